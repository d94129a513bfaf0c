import { useState } from 'preact/hooks'
import type { Alert } from '../../../../contract/alert.js'
import type { Incident } from '../../../../contract/incidents.js'
import { hasAnswerClock } from '../answer-clock.js'
import { AlertClock } from '../components/alert-clock.js'
import { hhmm } from '../alarm-text.js'
import { kindText, PRIORITY_LABELS } from '../format.js'

interface Props {
  incident: Incident
  /** The signed-in user's id: their own incidents are opened, not taken. */
  userId: string
  supervisor: boolean
  selected: boolean
  busy: boolean
  onTake: (force: boolean) => void
  onOpen: () => void
}

/** How the person is spoken to first: their preferred name, then the name on their record. */
export function speakingName(person: Incident['person']): { first: string; full: string | null } {
  const preferred = person.preferredName?.trim()
  return preferred && preferred !== person.name ? { first: preferred, full: person.name } : { first: person.name, full: null }
}

/** The alert whose wait counts against the 60 s answer target: the oldest one nobody has taken. */
function waitingOnClock(alerts: readonly Alert[]): Alert | undefined {
  return alerts.filter((a) => a.status === 'raised' && hasAnswerClock(a)).sort((a, b) => a.raisedAt.localeCompare(b.raisedAt))[0]
}

/** A technical alert has no answer clock: it shows when it is due instead (its own deadline). */
function technicalDue(alerts: readonly Alert[]): string | undefined {
  const due = alerts
    .filter((a) => !hasAnswerClock(a) && a.nextEscalationAt !== null)
    .map((a) => a.nextEscalationAt as string)
    .sort()[0]
  return due
}

/** One incident of the console, compact: at least eight fit a 1366 × 768 screen. */
export function IncidentRow({ incident, userId, supervisor, selected, busy, onTake, onOpen }: Props) {
  const name = speakingName(incident.person)
  const clockAlert = waitingOnClock(incident.alerts)
  const due = clockAlert ? undefined : technicalDue(incident.alerts)
  const mine = incident.heldBy?.userId === userId
  const heldByOther = incident.heldBy !== null && !mine
  const waiting = incident.alerts.some((a) => a.status === 'raised')
  const titleId = `incident-title-${incident.personId}`
  // Taking over from a colleague mid-call is asked twice.
  const [confirming, setConfirming] = useState(false)
  return (
    <li
      class="incident"
      data-testid="incident"
      data-person-id={incident.personId}
      data-priority={incident.priority ?? 'technical'}
      data-waiting={String(waiting)}
      data-selected={String(selected)}
      aria-labelledby={titleId}
    >
      <div class="incident-head">
        <span class="priority-badge" data-priority={incident.priority ?? 'technical'}>
          {PRIORITY_LABELS[incident.priority ?? 'technical']}
        </span>
        <h2 class="incident-title" id={titleId}>
          <strong data-testid="incident-name">{name.first}</strong>
          {name.full && <span class="muted"> ({name.full})</span>}
        </h2>
        {clockAlert && <AlertClock raisedAt={clockAlert.raisedAt} waiting={true} />}
        {due && (
          <span class="incident-due" data-testid="incident-due">
            Technical: deal with by {hhmm(due)}
          </span>
        )}
      </div>
      {incident.person.communicationNeeds.length > 0 && (
        <p class="incident-needs" data-testid="incident-needs">
          {incident.person.communicationNeeds.map((need) => (
            <span key={need}>{need}</span>
          ))}
        </p>
      )}
      {incident.latestNote && (
        <p class="incident-note" data-testid="incident-note" title={incident.latestNote.text}>
          <q>{incident.latestNote.text}</q> <span class="muted">· {incident.latestNote.by}</span>
        </p>
      )}
      <p class="incident-meta">
        <span data-testid="incident-what">{incident.alerts.map((a) => a.summary ?? kindText(a.kind)).join(' · ')}</span>
        <span data-testid="incident-holder">
          {incident.heldBy ? `Held by ${mine ? 'you' : incident.heldBy.displayName}` : waiting ? 'Waiting for a responder' : 'Taken, held by nobody'}
        </span>
        {mine && waiting && (
          // A new alert joined the incident held: it waits, and its cue sounds, until the holder takes it too.
          <button type="button" class="primary small" data-testid="incident-take-new" disabled={busy} onClick={() => onTake(false)}>
            Acknowledge new alert<span class="visually-hidden"> for {name.first}</span>
          </button>
        )}
        {mine ? (
          <button type="button" class="small" data-testid="incident-open" aria-current={selected ? 'true' : undefined} onClick={onOpen}>
            Open
            <span class="visually-hidden"> {name.first}</span>
          </button>
        ) : heldByOther ? (
          supervisor &&
          (confirming ? (
            <span class="confirm-take-over">
              <button type="button" class="primary small" data-testid="incident-take-over-confirm" disabled={busy} onClick={() => onTake(true)}>
                Yes, take it from {incident.heldBy?.displayName}
              </button>
              <button type="button" class="small" onClick={() => setConfirming(false)}>
                Cancel
              </button>
            </span>
          ) : (
            <button type="button" class="small" data-testid="incident-take-over" disabled={busy} onClick={() => setConfirming(true)}>
              Take over<span class="visually-hidden"> {name.first}</span>
            </button>
          ))
        ) : (
          <button type="button" class="primary small" data-testid="incident-take" disabled={busy} onClick={() => onTake(false)}>
            Answer<span class="visually-hidden"> {name.first}</span>
          </button>
        )}
      </p>
    </li>
  )
}
