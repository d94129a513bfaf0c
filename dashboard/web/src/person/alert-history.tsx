import type { Alert } from '../../../../contract/alert.js'
import { alertFlags, statusText } from '../alert-text.js'
import { formatDateTime, kindText, PRIORITY_LABELS } from '../format.js'

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
