import { useEffect } from 'preact/hooks'
import type { ThresholdInForce } from '../../../../contract/care-settings.js'
import { can, type SessionUser } from '../access.js'
import { ApiError, isForbidden } from '../api.js'
import { LoadState } from '../components/load-state.js'
import { NoAccess } from '../components/no-access.js'
import { formatTime } from '../format.js'
import { useAlertQueue } from '../live-queue.js'
import type { PersonDetail } from '../types.js'
import { useApiData } from '../use-api-data.js'
import { AbsencesPanel } from './absences-panel.js'
import { AlertHistory } from './alert-history.js'
import { LatestVitals } from './latest-vitals.js'
import { PersonDetails } from './person-details.js'
import { PersonDevices } from './person-devices.js'
import { PersonTimeline } from './person-timeline.js'
import { SectionNav } from './section-nav.js'
import { CareSettingsPanel } from './care-settings-panel.js'
import { ThresholdsForm } from './thresholds-form.js'
import { VitalsCharts } from './vitals-charts.js'
import { useDocumentTitle } from '../document-title.js'

export interface ThresholdsAnswer {
  personId: string
  version: number
  news2Scale: 1 | 2
  thresholds: ThresholdInForce[]
}

const SECTIONS = [
  { id: 'person-details', label: 'Details' },
  { id: 'person-vitals', label: 'Latest vitals' },
  { id: 'person-devices', label: 'Devices' },
  { id: 'person-charts', label: 'Charts' },
  { id: 'person-alerts', label: 'Alerts' },
  { id: 'person-timeline', label: 'Timeline' },
  { id: 'person-thresholds', label: 'Thresholds' },
  { id: 'person-settings', label: 'Settings' },
  { id: 'person-absences', label: 'Absences' },
] as const

/** One person: who they are, their devices and vitals (live), charts, alerts, timeline, and their care settings. */
export function PersonPage({ personId, user }: { personId: string; user: SessionUser }) {
  const base = `/api/persons/${encodeURIComponent(personId)}`
  const detail = useApiData<PersonDetail>(base, 10_000)
  // Polled too, so a version someone else saves shows up (the form warns rather than overwrite an edit).
  const thresholds = useApiData<ThresholdsAnswer>(`${base}/thresholds`, 30_000)
  const queue = useAlertQueue()
  const { reload } = detail
  useDocumentTitle(detail.data?.name ?? (detail.error === undefined ? undefined : 'Person'))

  // An alert about this person means something changed: fetch now rather than at the next poll.
  useEffect(() => queue.subscribe((change) => change?.alert.personId === personId && reload()), [queue, personId, reload])

  if (isForbidden(detail.error)) return <NoAccess title="Person" />
  if (detail.error instanceof ApiError && detail.error.code === 'not_found') {
    return (
      <section data-testid="person-view">
        <h1>No such person</h1>
        <p>
          Hearth has nobody with the id {personId}. <a href="#/people">Back to people</a>.
        </p>
      </section>
    )
  }
  const person = detail.data
  const careVersionChanged = () => thresholds.reload()
  return (
    <article data-testid="person-view" aria-labelledby="person-title" class="person-view">
      <div class="page-head">
        <h1 id="person-title">{person?.name ?? 'Person'}</h1>
        {detail.fetchedAt !== undefined && (
          <p class="summary" data-stale={String(detail.error !== undefined)}>
            Updated {formatTime(new Date(detail.fetchedAt).toISOString())}
            {detail.error !== undefined && ' · not up to date'}
          </p>
        )}
      </div>
      <LoadState error={detail.error} title="Person" hasData={person !== undefined} />
      {person && (
        <>
          <SectionNav sections={SECTIONS} />
          <div class="person-grid">
            <PersonDetails person={person} />
            <LatestVitals latest={person.latest} />
            <PersonDevices devices={person.devices} nowMs={detail.fetchedAt ?? Date.now()} />
          </div>
          <VitalsCharts personId={personId} latest={person.latest} thresholds={thresholds.data?.thresholds ?? []} />
          <div class="two-col">
            <AlertHistory alerts={person.alerts} />
            <PersonTimeline personId={personId} refreshKey={detail.fetchedAt ?? 0} />
          </div>
          <ThresholdsForm personId={personId} answer={thresholds.data} error={thresholds.error} canEdit={can(user, 'care:write')} onSaved={careVersionChanged} />
          <CareSettingsPanel personId={personId} canEdit={can(user, 'care:write')} careVersion={thresholds.data?.version ?? -1} onSaved={careVersionChanged} />
          <AbsencesPanel personId={personId} canEdit={can(user, 'absences:write')} />
        </>
      )}
    </article>
  )
}
