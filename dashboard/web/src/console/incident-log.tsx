import type { TimelineItem } from '../../../../contract/api.js'
import { messageOf } from '../api.js'
import { formatTime } from '../format.js'
import { useApiData, useReloadOn } from '../use-api-data.js'

/**
 * Everything done on the incident so far, oldest first: the script's answers, calls, notes,
 * callbacks, attendance and hand-overs, from the person's timeline (so the circle sees the same);
 * for a follow-up that fell due, the history of the alert it follows up as well.
 */
export function IncidentLog({ personId, alertIds, refreshKey }: { personId: string; alertIds: readonly string[]; refreshKey: string }) {
  const { data, error, reload } = useApiData<{ items: TimelineItem[] }>(`/api/persons/${encodeURIComponent(personId)}/timeline?limit=500`)
  useReloadOn(refreshKey, reload)
  const ids = new Set(alertIds)
  // Oldest first; at the same moment, what happened to the alert before the calls made about it.
  const items = (data?.items ?? [])
    .filter((i) => i.alertId !== undefined && ids.has(i.alertId))
    .reverse()
    .sort((a, b) => a.at.localeCompare(b.at) || Number(a.source === 'call') - Number(b.source === 'call'))
  return (
    <section class="desk-panel" aria-labelledby="desk-log" data-testid="incident-log">
      <h3 id="desk-log">Incident log</h3>
      {error !== undefined && <p class="notice">Could not load the incident log: {messageOf(error)}</p>}
      <ol class="incident-log">
        {items.map((item) => (
          <li key={`${item.at}|${item.source}|${item.type}|${item.text}`} data-testid="incident-log-item" data-source={item.source}>
            <time dateTime={item.at}>{formatTime(item.at)}</time> {item.text}
            {item.by && <span class="muted"> · {item.by}</span>}
          </li>
        ))}
      </ol>
    </section>
  )
}
