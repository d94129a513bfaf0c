import type { AccessLogEntry } from '../../../../contract/circle-values.js'
import { accessActionText, accessBasisText, groupAccessLog } from '../access-log-text.js'
import { messageOf } from '../api.js'
import { roleText } from '../circle-text.js'
import { formatDateTime } from '../format.js'
import { useLiveEvent } from '../live-hub.js'
import { useApiData } from '../use-api-data.js'

/** For circle admins: who read or acted on the record, newest first; emergency access stands out. */
export function AccessLogPanel({ personId }: { personId: string }) {
  const { data, error, reload } = useApiData<AccessLogEntry[]>(`/api/persons/${encodeURIComponent(personId)}/access-log?limit=200`)
  useLiveEvent('break-glass', (grant) => grant.personId === personId && reload())
  const groups = groupAccessLog(data ?? [])
  return (
    <section class="panel" aria-labelledby="person-access-log" data-testid="access-log">
      <div class="section-head">
        <h2 id="person-access-log" tabIndex={-1}>
          Access log
        </h2>
        <button type="button" onClick={reload}>
          Refresh<span class="visually-hidden"> the access log</span>
        </button>
      </div>
      <p class="hint">Who read or acted on this record, newest first. Repeated reads in one visit are one line.</p>
      {error !== undefined && <p class="notice">Could not load the access log: {messageOf(error)}</p>}
      {data && groups.length === 0 && <p class="muted">Nothing yet.</p>}
      {groups.length > 0 && (
        <div class="table-wrap log-scroll" role="region" aria-label="Access log, newest first" tabIndex={0}>
          <table class="access-log">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">Organisation</th>
                <th scope="col">Role</th>
                <th scope="col">What</th>
                <th scope="col">Basis</th>
              </tr>
            </thead>
            <tbody>
              {groups.map(({ first, last, count }) => (
                <tr key={first.seq} data-testid="access-log-row" data-break-glass={String(first.breakGlass)} class={first.breakGlass ? 'break-glass-row' : undefined}>
                  <td>
                    <time dateTime={first.at}>{formatDateTime(first.at)}</time>
                    {count > 1 && <span class="muted block">{count} times since {formatDateTime(last.at)}</span>}
                  </td>
                  <td>{first.displayName ?? first.username ?? 'Unknown'}</td>
                  <td>{first.organisationName ?? '—'}</td>
                  <td>{roleText(first.role) || '—'}</td>
                  <td>{accessActionText(first.action, 'staff')}</td>
                  <td>{first.breakGlass ? <strong class="break-glass-text">{accessBasisText(first, 'staff')}</strong> : accessBasisText(first, 'staff')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  )
}
