import { useState } from 'preact/hooks'
import type { Incident } from '../../../../contract/incidents.js'
import { hasAnswerClock } from '../answer-clock.js'
import { formatTime, kindText, PRIORITY_LABELS } from '../format.js'
import type { PersonDetail } from '../types.js'
import { useApiData } from '../use-api-data.js'
import { CallPlan } from './call-plan.js'
import { CallScriptPanel } from './call-script.js'
import { IncidentActions } from './incident-actions.js'
import { IncidentLog } from './incident-log.js'
import { PersonBrief } from './person-brief.js'

interface Props {
  incident: Incident
  onChanged: (incident: Incident) => void
  onLeft: (message: string) => void
}

/**
 * The incident the responder holds, answered: who the person is, what happened, the script, the
 * response plan to call, and what else to do, with everything done so far in its log.
 */
export function IncidentDesk({ incident, onChanged, onLeft }: Props) {
  const detail = useApiData<PersonDetail>(`/api/persons/${encodeURIComponent(incident.personId)}`)
  const [logVersion, setLogVersion] = useState(0)
  const done = () => setLogVersion((v) => v + 1)
  // The call is about the alert first in the incident when it was answered; an alert joining later
  // (even a higher one) does not move the script, the calls or the notes under the responder's hands.
  const [answeredId] = useState(incident.alerts[0]?.id)
  const first = incident.alerts.find((a) => a.id === answeredId) ?? incident.alerts[0]
  // What colleagues do on the incident (a note, a new alert, an acknowledgement) reaches the log too.
  const changes = `${logVersion}|${incident.latestNote?.at ?? ''}|${incident.alerts.map((a) => `${a.id}:${a.status}`).join(',')}|${incident.heldSince ?? ''}`
  if (!first) return null
  return (
    <article class="desk" data-testid="incident-desk" data-person-id={incident.personId} aria-labelledby="desk-person">
      <PersonBrief incident={incident} detail={detail} />
      <section class="desk-panel" aria-label="What happened" data-testid="desk-alerts">
        <ul class="desk-alerts">
          {incident.alerts.map((a) => (
            <li key={a.id} data-priority={a.priority}>
              <span class="priority-badge" data-priority={a.priority}>
                {PRIORITY_LABELS[a.priority]}
              </span>{' '}
              <strong>{a.summary ?? kindText(a.kind)}</strong> <span class="muted">raised {formatTime(a.raisedAt)}</span>
              {!hasAnswerClock(a) && <span class="muted"> · technical, not on the 60 s clock</span>}
              {a.status === 'raised' && (
                <span class="tag tag-new" data-testid="desk-alert-new">
                  New: not acknowledged yet
                </span>
              )}
            </li>
          ))}
        </ul>
      </section>
      <CallScriptPanel key={first.id} alert={first} onRecorded={done} />
      <CallPlan key={first.id} personId={incident.personId} timeZone={detail.data?.timeZone} alert={first} onLogged={done} />
      <IncidentActions incident={incident} alertId={first.id} timeZone={detail.data?.timeZone} onDone={done} onChanged={onChanged} onLeft={onLeft} />
      <IncidentLog personId={incident.personId} alertIds={incident.alerts.flatMap((a) => (a.followUpOf ? [a.followUpOf, a.id] : [a.id]))} refreshKey={changes} />
    </article>
  )
}
