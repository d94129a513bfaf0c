import { answeredText, myAlarmWhat, OUTCOME_WORDS } from '../alarm-text.js'
import { messageOf } from '../api.js'
import { formatDateTime } from '../format.js'
import { useLiveEvent } from '../live-hub.js'
import type { AlarmRecord } from '../types.js'
import { useApiData } from '../use-api-data.js'

function Alarm({ alarm }: { alarm: AlarmRecord }) {
  const who = alarm.acknowledgedBy ? `${alarm.acknowledgedBy}${alarm.acknowledgedByOrganisation ? ` (${alarm.acknowledgedByOrganisation})` : ''}` : undefined
  const answered = answeredText(alarm)
  return (
    <li class="my-alarm" data-testid="my-alarm" data-alert-id={alarm.alertId} data-status={alarm.status}>
      <h3>
        {myAlarmWhat(alarm.kind)}, <time dateTime={alarm.raisedAt}>{formatDateTime(alarm.raisedAt)}</time>
      </h3>
      <p>
        <strong>Who answered:</strong> {who ? `${who}, ${answered}.` : `Nobody yet: ${answered}.`}
      </p>
      <p>
        <strong>What was done:</strong>{' '}
        {alarm.status === 'resolved'
          ? `${alarm.outcome ? OUTCOME_WORDS[alarm.outcome] : 'Dealt with'}${alarm.resolvedAt ? `, closed ${formatDateTime(alarm.resolvedAt)}` : ''}.`
          : alarm.status === 'acknowledged'
            ? 'Help is being arranged now.'
            : 'Waiting for someone to answer.'}
      </p>
      {alarm.note && <p class="note">“{alarm.note}”</p>}
    </li>
  )
}

/** Every alarm raised: when, who answered, how fast, and what was done; new ones appear as they happen. */
export function MyAlarms({ personId }: { personId: string }) {
  const { data, error, reload } = useApiData<{ alarms: AlarmRecord[] }>(`/api/persons/${encodeURIComponent(personId)}/alarms`)
  useLiveEvent('alert', (alert) => alert.personId === personId && reload())
  const alarms = [...(data?.alarms ?? [])].sort((a, b) => b.raisedAt.localeCompare(a.raisedAt))
  return (
    <section class="panel" aria-labelledby="my-alarms-title" data-testid="my-alarms">
      <h2 id="my-alarms-title">My alarms</h2>
      {error !== undefined && <p class="notice">Could not load your alarms: {messageOf(error)}</p>}
      {data && alarms.length === 0 && <p>You have not raised any alarms.</p>}
      <ol class="my-alarms">
        {alarms.map((a) => (
          <Alarm key={a.alertId} alarm={a} />
        ))}
      </ol>
    </section>
  )
}
