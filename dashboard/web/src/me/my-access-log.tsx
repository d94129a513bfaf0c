import type { AccessLogEntry } from '../../../../contract/circle-values.js'
import { accessActionText, accessBasisText, groupAccessLog } from '../access-log-text.js'
import { messageOf } from '../api.js'
import { roleText } from '../circle-text.js'
import { formatDateTime } from '../format.js'
import { useLiveEvent } from '../live-hub.js'
import { useApiData } from '../use-api-data.js'

/** Who looked at my record: everyone but me, newest first; emergency access stands out. */
export function MyAccessLog({ personId, myUserId }: { personId: string; myUserId: string }) {
  const { data, error, reload } = useApiData<AccessLogEntry[]>(`/api/persons/${encodeURIComponent(personId)}/access-log?limit=200`)
  useLiveEvent('break-glass', (grant) => grant.personId === personId && reload())
  const groups = groupAccessLog((data ?? []).filter((e) => e.userId !== myUserId))
  return (
    <section class="panel" aria-labelledby="my-log-title" data-testid="my-access-log">
      <div class="section-head">
        <h2 id="my-log-title">Who looked at my record</h2>
        <button type="button" class="big-button" onClick={reload}>
          Check again
        </button>
      </div>
      {error !== undefined && <p class="notice">Could not load the list: {messageOf(error)}</p>}
      {data && groups.length === 0 && <p>Nobody else has looked at your record yet.</p>}
      <ol class="my-log">
        {groups.map(({ first, last, count }) => {
          const who = first.displayName ?? first.username ?? 'Someone'
          const role = roleText(first.role)
          return (
            <li key={first.seq} data-testid="my-access-log-entry" data-break-glass={String(first.breakGlass)} class={first.breakGlass ? 'my-log-emergency' : undefined}>
              {first.breakGlass && <p class="emergency-tag">Emergency access</p>}
              <p>
                <strong>{who}</strong>
                {first.organisationName && <>, {first.organisationName}</>}
                {role && <span class="muted"> ({role})</span>}
              </p>
              <p>
                {accessActionText(first.action, 'person')}
                {count > 1 && ` (${count} times)`}
              </p>
              <p class="muted">
                <time dateTime={first.at}>{formatDateTime(first.at)}</time>
                {count > 1 && <> — first at {formatDateTime(last.at)}</>}
              </p>
              <p>
                <strong>Why:</strong> {accessBasisText(first, 'person')}
              </p>
            </li>
          )
        })}
      </ol>
    </section>
  )
}
