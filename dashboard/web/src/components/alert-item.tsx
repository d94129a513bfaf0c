import { Component } from 'preact'
import type { Alert } from '../../../../contract/alert.js'
import { alertFlags, statusText } from '../alert-text.js'
import { hasAnswerClock } from '../answer-clock.js'
import { formatTime, kindText, PRIORITY_LABELS } from '../format.js'
import { personHref } from '../router.js'
import { AlertActions } from './alert-actions.js'
import { AlertClock } from './alert-clock.js'

interface Props {
  alert: Alert
  stale: boolean
  username: string
}

/**
 * One alert of the queue. Keyed by id and re-rendered only when its own alert object changes,
 * so a queue of hundreds stays quick; its clock is written by the shared ticker.
 */
export class AlertItem extends Component<Props> {
  override shouldComponentUpdate(next: Props): boolean {
    return next.alert !== this.props.alert || next.stale !== this.props.stale || next.username !== this.props.username
  }

  override render() {
    const { alert, stale, username } = this.props
    const titleId = `alert-title-${alert.id}`
    const flags = alertFlags(alert)
    const standsOut = alert.escalationLevel > 0 || alert.reraisedCount > 0
    return (
      <li
        class="alert"
        data-testid="alert-item"
        data-alert-id={alert.id}
        data-priority={alert.priority}
        data-status={alert.status}
        data-escalated={String(standsOut)}
        aria-labelledby={titleId}
      >
        <div class="alert-head">
          <span class="priority-badge" data-priority={alert.priority}>
            {PRIORITY_LABELS[alert.priority]}
          </span>
          <h2 class="alert-title" id={titleId} tabIndex={-1}>
            <a href={personHref(alert.personId)}>{alert.personName}</a>
            <span class="visually-hidden">, {PRIORITY_LABELS[alert.priority]}: </span>
            <span class="alert-what"> {alert.summary ?? kindText(alert.kind)}</span>
          </h2>
          {hasAnswerClock(alert) && <AlertClock raisedAt={alert.raisedAt} waiting={alert.status === 'raised'} />}
        </div>
        {alert.person && (
          <p class="alert-speaking" data-testid="alert-speaking-to">
            {alert.person.preferredName !== null && (
              <span>
                Likes to be called <strong>{alert.person.preferredName}</strong>
              </span>
            )}
            {alert.person.communicationNeeds.map((need) => (
              <span key={need}>{need}</span>
            ))}
          </p>
        )}
        <p class="alert-meta">
          {alert.summary !== null && alert.summary !== kindText(alert.kind) && <span>{kindText(alert.kind)}</span>}
          <span>Device {alert.deviceId || 'none'}</span>
          <span>Raised {formatTime(alert.raisedAt)}</span>
          <span class="alert-status" data-status={alert.status}>
            {statusText(alert, username)}
          </span>
        </p>
        {flags.length > 0 && (
          <ul class="flags" aria-label="Notes on this alert">
            {flags.map((flag) => (
              <li key={flag} class={flag.startsWith('Escalated') || flag.startsWith('Back in') ? 'flag flag-strong' : 'flag'}>
                {flag}
              </li>
            ))}
          </ul>
        )}
        <AlertActions alert={alert} stale={stale} />
      </li>
    )
  }
}
