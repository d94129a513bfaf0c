import type { Alert } from '../../../../contract/alert.js'
import { alertFlags } from '../components/alert-item.js'
import { formatDateTime, kindText, OUTCOME_LABELS, PRIORITY_LABELS } from '../format.js'

function statusText(alert: Alert): string {
  if (alert.status === 'resolved') {
    const outcome = alert.outcome ? OUTCOME_LABELS[alert.outcome] : 'resolved'
    return `${outcome}${alert.resolvedBy ? ` (${alert.resolvedBy})` : ''}${alert.resolvedAt ? `, ${formatDateTime(alert.resolvedAt)}` : ''}`
  }
  return alert.status === 'acknowledged' ? `Taken by ${alert.acknowledgedBy ?? 'someone'}` : 'Waiting for a responder'
}

/** The person's recent alerts, open and closed, newest first. */
export function AlertHistory({ alerts }: { alerts: readonly Alert[] }) {
  return (
    <section class="panel" aria-labelledby="person-alerts" data-testid="person-alerts">
      <h2 id="person-alerts" tabIndex={-1}>
        Alerts
      </h2>
      {alerts.length === 0 ? (
        <p class="muted">No alerts.</p>
      ) : (
        <ol class="history">
          {alerts.map((alert) => (
            <li key={alert.id} data-alert-id={alert.id} data-status={alert.status}>
              <span class="priority-badge" data-priority={alert.priority}>
                {PRIORITY_LABELS[alert.priority]}
              </span>{' '}
              <strong>{alert.summary ?? kindText(alert.kind)}</strong>
              <br />
              <span class="muted">
                {formatDateTime(alert.raisedAt)} · {alert.id} · {statusText(alert)}
                {alertFlags(alert).map((flag) => ` · ${flag}`)}
              </span>
              {alert.note && <p class="note">Note: {alert.note}</p>}
            </li>
          ))}
        </ol>
      )}
    </section>
  )
}
