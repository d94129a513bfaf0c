import { useEffect, useMemo, useRef, useState } from 'preact/hooks'
import type { Alert } from '../../../../contract/alert.js'
import { familyStatus, joinAlarms } from '../alarm-text.js'
import { compareStates } from '../alert-queue.js'
import { announce } from '../announcer.js'
import { messageOf } from '../api.js'
import { useLiveEvent, useReconnected } from '../live-hub.js'
import { personHref } from '../router.js'
import type { AlarmRecord, PersonDetail, PersonView } from '../types.js'
import { useApiData } from '../use-api-data.js'

/** The alerts of the record, with what the live feed said since: the state furthest along wins. */
function mergeAlerts(fetched: readonly Alert[], heard: readonly Alert[]): Alert[] {
  const byId = new Map<string, Alert>()
  for (const alert of [...fetched, ...heard]) {
    const known = byId.get(alert.id)
    if (!known || compareStates(known, alert) > 0) byId.set(alert.id, alert)
  }
  return [...byId.values()]
}

/** One person the user supports: all is well, or the alarm in progress and who is handling it, live. */
export function FamilyCard({ person }: { person: PersonView }) {
  const base = `/api/persons/${encodeURIComponent(person.id)}`
  const detail = useApiData<PersonDetail>(base)
  const seesAlerts = detail.data?.access.scopes.includes('alerts') ?? false
  const alarms = useApiData<{ alarms: AlarmRecord[] }>(seesAlerts ? `${base}/alarms` : null)
  const [heard, setHeard] = useState<Alert[]>([])
  const reloadAlarms = alarms.reload
  useLiveEvent('alert', (alert) => {
    if (alert.personId !== person.id) return
    setHeard((old) => [...old.filter((a) => a.id !== alert.id), alert])
    // The alarm records name who answered, and their organisation.
    reloadAlarms()
  })
  useReconnected(() => {
    detail.reload()
    reloadAlarms()
  })

  const deviceTypes = useMemo(() => new Map((detail.data?.devices ?? []).map((d) => [d.id, d.type] as const)), [detail.data])
  const joined = joinAlarms(mergeAlerts(detail.data?.alerts ?? [], heard), alarms.data?.alarms ?? [], deviceTypes)
  const status = seesAlerts ? familyStatus(joined, Date.now()) : undefined
  const said = status ? `${status.headline}: ${status.detail}` : ''

  // Read out what changed, never the first look.
  const lastSaid = useRef<string>()
  useEffect(() => {
    if (!said) return
    if (lastSaid.current !== undefined && lastSaid.current !== said) announce(`${person.name}: ${said}`, status?.tone === 'alarm')
    lastSaid.current = said
  }, [said, person.name, status?.tone])

  const titleId = `family-${person.id}`
  return (
    <article class="family-card" data-testid="family-card" data-person-id={person.id} data-tone={status?.tone ?? 'unknown'} aria-labelledby={titleId}>
      <h2 id={titleId}>{person.name}</h2>
      {detail.error !== undefined && <p class="notice">Could not load: {messageOf(detail.error)}</p>}
      {detail.data && !seesAlerts && <p>You do not follow alarms for {person.name}.</p>}
      {!detail.data && detail.error === undefined && <p>Loading…</p>}
      {status && (
        <div class="family-status" data-testid="family-status">
          <p class="status-headline">
            <span class="status-icon" aria-hidden="true">
              {status.tone === 'alarm' ? '!' : '✓'}
            </span>
            {status.headline}
            <span class="visually-hidden">:</span>
          </p>
          <p class="status-detail">{status.detail}</p>
          {status.earlier && (
            <p class="status-earlier" data-testid="family-earlier">
              {status.earlier}
            </p>
          )}
        </div>
      )}
      <p>
        <a href={personHref(person.id)}>
          Open {person.name}'s page<span class="visually-hidden"> with their timeline and circle of care</span>
        </a>
      </p>
    </article>
  )
}
