import { useState } from 'preact/hooks'
import type { Incident } from '../../../../contract/incidents.js'
import { answeredText } from '../alarm-text.js'
import { serverNow } from '../answer-clock.js'
import { api, messageOf } from '../api.js'
import { formatAgo, formatDate, formatDateTime, kindText, metricLabel, metricUnit, OUTCOME_LABELS } from '../format.js'
import { personHref } from '../router.js'
import type { AlarmRecord, PersonDetail } from '../types.js'
import { useApiData, type ApiData } from '../use-api-data.js'
import { speakingName } from './incident-row.js'

const DAY_MS = 86_400_000
/** How far back the desk shows the person's alarms. */
const RECENT_DAYS = 30

/** Whole years from the date of birth to now. */
function ageOn(dateOfBirth: string, nowMs: number): number {
  const born = new Date(`${dateOfBirth}T00:00:00Z`)
  const now = new Date(nowMs)
  const birthdayPassed = now.getUTCMonth() > born.getUTCMonth() || (now.getUTCMonth() === born.getUTCMonth() && now.getUTCDate() >= born.getUTCDate())
  return now.getUTCFullYear() - born.getUTCFullYear() - (birthdayPassed ? 0 : 1)
}

/** The key-safe code and how to get in: only on a click, and the look goes in the person's access log. */
function AccessDetails({ personId }: { personId: string }) {
  const [text, setText] = useState<string | undefined>()
  const [error, setError] = useState('')
  const reveal = async () => {
    setError('')
    try {
      setText((await api<{ accessDetails: string }>(`/api/persons/${encodeURIComponent(personId)}/access-details`)).accessDetails)
    } catch (caught) {
      setError(`Could not reveal the access details: ${messageOf(caught)}`)
    }
  }
  return (
    <div class="access-details" data-testid="desk-access">
      <strong>Access</strong>{' '}
      {text === undefined ? (
        <button type="button" class="small" data-testid="reveal-access" onClick={() => void reveal()}>
          Reveal key-safe code and access
        </button>
      ) : (
        <span data-testid="access-text">{text}</span>
      )}
      <span class="muted"> · every look is recorded in the person's access log</span>
      {error && <p class="error">{error}</p>}
    </div>
  )
}

/**
 * Who the person is, for the call: how to speak to them first, then age, address, medical flags,
 * access, the latest vital signs and their alarms of the last 30 days with how each ended.
 */
export function PersonBrief({ incident, detail }: { incident: Incident; detail: ApiData<PersonDetail> }) {
  const personId = incident.personId
  const alarms = useApiData<{ alarms: AlarmRecord[] }>(`/api/persons/${encodeURIComponent(personId)}/alarms`)
  const name = speakingName(incident.person)
  const person = detail.data
  // Hearth's clock, not this browser's: age and the last 30 days as the service counts them.
  const now = serverNow()
  const open = new Set(incident.alerts.map((a) => a.id))
  const recent = (alarms.data?.alarms ?? []).filter((a) => !open.has(a.alertId) && Date.parse(a.raisedAt) >= now - RECENT_DAYS * DAY_MS)
  return (
    <section class="desk-brief" aria-labelledby="desk-person" data-testid="desk-brief">
      <h2 id="desk-person" tabIndex={-1}>
        <span data-testid="desk-speak-as">{name.first}</span>
        {name.full && <span class="muted"> ({name.full})</span>}
        {person?.dateOfBirth && <span data-testid="desk-age"> · {ageOn(person.dateOfBirth, now)} years</span>}{' '}
        <a class="small-link" href={personHref(personId)}>
          Record
        </a>
      </h2>
      {incident.person.communicationNeeds.length > 0 && (
        <p class="desk-needs" data-testid="desk-needs">
          <strong>How to speak to them:</strong> {incident.person.communicationNeeds.join(' · ')}
        </p>
      )}
      {detail.error !== undefined && <p class="notice">Could not load the record: {messageOf(detail.error)}</p>}
      {person && (
        <dl class="desk-facts">
          {person.address && (
            <>
              <dt>Address</dt>
              <dd data-testid="desk-address">{person.address}</dd>
            </>
          )}
          {person.phone && (
            <>
              <dt>Phone</dt>
              <dd>
                <a href={`tel:${person.phone}`}>{person.phone}</a>
              </dd>
            </>
          )}
          {person.dateOfBirth && (
            <>
              <dt>Born</dt>
              <dd>{formatDate(person.dateOfBirth)}</dd>
            </>
          )}
          {person.medicalNotes && (
            <>
              <dt>Medical</dt>
              <dd class="desk-medical" data-testid="desk-medical">
                {person.medicalNotes}
              </dd>
            </>
          )}
          {person.latest.length > 0 && (
            <>
              <dt>Latest vitals</dt>
              <dd data-testid="desk-vitals">
                {person.latest.map((r) => (
                  <span key={r.metric} class="vital">
                    {metricLabel(r.metric)} {r.value} {metricUnit(r.metric)} <span class="muted">({formatAgo(r.at, now)})</span>
                  </span>
                ))}
              </dd>
            </>
          )}
        </dl>
      )}
      {person?.hasAccessDetails && <AccessDetails personId={personId} />}
      <details class="desk-history" data-testid="desk-history" open={recent.length > 0 && recent.length <= 3}>
        <summary>
          Alarms in the last {RECENT_DAYS} days: {alarms.data ? recent.length : '…'}
        </summary>
        <ul>
          {recent.map((a) => (
            <li key={a.alertId}>
              {formatDateTime(a.raisedAt)} {kindText(a.kind)}: {answeredText(a)}
              {a.outcome && <>; {OUTCOME_LABELS[a.outcome]}</>}
              {a.note && <q> {a.note}</q>}
            </li>
          ))}
        </ul>
      </details>
    </section>
  )
}
