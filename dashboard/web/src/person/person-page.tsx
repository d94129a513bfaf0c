import type { ThresholdInForce } from '../../../../contract/care-settings.js'
import type { PersonAccess } from '../../../../contract/circle-values.js'
import { can, type SessionUser } from '../access.js'
import { ApiError, isForbidden } from '../api.js'
import { hhmm } from '../alarm-text.js'
import { LoadState } from '../components/load-state.js'
import { NoAccess } from '../components/no-access.js'
import { formatTime } from '../format.js'
import { useLiveEvent, useReconnected } from '../live-hub.js'
import type { PersonDetail } from '../types.js'
import { useApiData } from '../use-api-data.js'
import { AbsencesPanel } from './absences-panel.js'
import { AccessDetails } from './access-details.js'
import { AccessLogPanel } from './access-log-panel.js'
import { AlertHistory } from './alert-history.js'
import { ArchiveControl, ArchivedBanner } from './archive-control.js'
import { CircleSection } from './circle-section.js'
import { LatestVitals } from './latest-vitals.js'
import { NoteForm } from './note-form.js'
import { PersonDetails } from './person-details.js'
import { PersonDevices } from './person-devices.js'
import { PersonNotFound } from './person-not-found.js'
import { PersonTimeline } from './person-timeline.js'
import { SectionNav } from './section-nav.js'
import { CareSettingsPanel } from './care-settings-panel.js'
import { ThresholdsForm } from './thresholds-form.js'
import { VitalsCharts } from './vitals-charts.js'
import { WishesPanel } from './wishes-panel.js'
import { ResponsePlanPanel } from './response-plan-panel.js'
import { useDocumentTitle } from '../document-title.js'

export interface ThresholdsAnswer {
  personId: string
  version: number
  news2Scale: 1 | 2
  thresholds: ThresholdInForce[]
}

/** What this caller's page shows: only the sections their place in the circle reaches. */
function sectionsFor(access: PersonAccess): Array<{ id: string; label: string }> {
  const has = (scope: PersonAccess['scopes'][number]) => access.scopes.includes(scope)
  const sections: Array<{ id: string; label: string; shown: boolean }> = [
    { id: 'person-details', label: 'Details', shown: true },
    { id: 'person-vitals', label: 'Latest vitals', shown: has('vitals') },
    { id: 'person-devices', label: 'Devices', shown: has('alerts') || has('vitals') },
    { id: 'person-wishes', label: 'What matters', shown: has('timeline') || has('care-settings') },
    { id: 'person-response-plan', label: 'Response plan', shown: has('contacts') },
    { id: 'person-charts', label: 'Charts', shown: has('vitals') },
    { id: 'person-alerts', label: 'Alerts', shown: has('alerts') },
    { id: 'person-timeline', label: 'Timeline', shown: has('timeline') },
    { id: 'person-notes', label: 'Add a note', shown: has('notes:write') },
    { id: 'person-circle', label: 'Circle of care', shown: true },
    { id: 'person-access-log', label: 'Access log', shown: access.circleAdmin },
    { id: 'person-thresholds', label: 'Thresholds', shown: has('care-settings') },
    { id: 'person-settings', label: 'Settings', shown: has('care-settings') },
    { id: 'person-absences', label: 'Absences', shown: has('care-settings') || has('absences:write') },
  ]
  return sections.filter((s) => s.shown).map(({ id, label }) => ({ id, label }))
}

/** Outside the circle, opened in an emergency: said at the top of the page, with when it ends. */
function BreakGlassNotice({ expiresAt }: { expiresAt: string }) {
  return (
    <p class="banner banner-break-glass page-banner" data-testid="break-glass-notice">
      <strong>Emergency access: you are outside this person's circle of care. Access ends at {hhmm(expiresAt)}. Every look is recorded.</strong>
    </p>
  )
}

/**
 * One person, as their circle shares them: who they are, their devices and vitals (live), charts,
 * alerts, the timeline and notes, the circle itself, and their care settings, each only as far as
 * the caller's scopes reach.
 */
export function PersonPage({ personId, user }: { personId: string; user: SessionUser }) {
  const base = `/api/persons/${encodeURIComponent(personId)}`
  const detail = useApiData<PersonDetail>(base, 10_000)
  const access = detail.data?.access
  const scopes = access?.scopes ?? []
  const careSettings = scopes.includes('care-settings')
  // Polled too, so a version someone else saves shows up (the form warns rather than overwrite an edit).
  const thresholds = useApiData<ThresholdsAnswer>(careSettings ? `${base}/thresholds` : null, 30_000)
  const { reload } = detail
  useDocumentTitle(detail.data?.name ?? (detail.error === undefined ? undefined : 'Person'))

  // An alert about this person means something changed: fetch now rather than at the next poll.
  useLiveEvent('alert', (alert) => alert.personId === personId && reload())
  useReconnected(reload)

  if (isForbidden(detail.error)) return <NoAccess title="Person" />
  if (detail.error instanceof ApiError && detail.error.code === 'not_found') return <PersonNotFound personId={personId} user={user} onOpened={reload} />
  const person = detail.data
  const careVersionChanged = () => thresholds.reload()
  const has = (scope: PersonAccess['scopes'][number]) => scopes.includes(scope)
  return (
    <article data-testid="person-view" aria-labelledby="person-title" class="person-view">
      {access?.breakGlass && <BreakGlassNotice expiresAt={access.breakGlass.expiresAt} />}
      {person && <ArchivedBanner person={person} />}
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
      {person && access && (
        <>
          <SectionNav sections={sectionsFor(access)} />
          <div class="person-grid">
            <PersonDetails person={person}>
              {has('access-details') && <AccessDetails personId={personId} hasAccessDetails={person.hasAccessDetails} />}
              {/* The monitoring service's admins and supervisors, from inside the circle (the server decides). */}
              {access.circleAdmin && access.basis !== 'platform-admin' && can(user, 'persons:write') && <ArchiveControl person={person} onChanged={reload} />}
            </PersonDetails>
            {has('vitals') && <LatestVitals latest={person.latest} />}
            {(has('alerts') || has('vitals')) && <PersonDevices devices={person.devices} nowMs={detail.fetchedAt ?? Date.now()} />}
          </div>
          {(has('timeline') || has('care-settings') || has('contacts')) && (
            <div class="two-col">
              {(has('timeline') || has('care-settings')) && <WishesPanel personId={personId} />}
              {has('contacts') && <ResponsePlanPanel personId={personId} />}
            </div>
          )}
          {has('vitals') && <VitalsCharts personId={personId} latest={person.latest} thresholds={thresholds.data?.thresholds ?? []} />}
          {has('notes:write') && <NoteForm personId={personId} onWritten={reload} />}
          {(has('alerts') || has('timeline')) && (
            <div class="two-col">
              {has('alerts') && <AlertHistory alerts={person.alerts} />}
              {has('timeline') && <PersonTimeline personId={personId} refreshKey={detail.fetchedAt ?? 0} />}
            </div>
          )}
          <CircleSection personId={personId} circleAdmin={access.circleAdmin} onChanged={reload} />
          {access.circleAdmin && <AccessLogPanel personId={personId} />}
          {careSettings && (
            <>
              <ThresholdsForm personId={personId} answer={thresholds.data} error={thresholds.error} canEdit={access.canEditCareSettings} onSaved={careVersionChanged} />
              <CareSettingsPanel personId={personId} canEdit={access.canEditCareSettings} careVersion={thresholds.data?.version ?? -1} onSaved={careVersionChanged} />
            </>
          )}
          {(careSettings || has('absences:write')) && <AbsencesPanel personId={personId} canEdit={has('absences:write')} />}
        </>
      )}
    </article>
  )
}
