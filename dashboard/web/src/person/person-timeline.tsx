import { useEffect, useRef } from 'preact/hooks'
import type { TimelineItem } from '../../../../contract/api.js'
import { ApiError, messageOf } from '../api.js'
import { formatDateTime } from '../format.js'
import { useApiData } from '../use-api-data.js'

/** What the person's devices said and what happened to their alerts, in one list, newest first. */
export function PersonTimeline({ personId, refreshKey }: { personId: string; refreshKey: number }) {
  const { data, error, reload } = useApiData<{ items: TimelineItem[] }>(`/api/persons/${encodeURIComponent(personId)}/timeline?limit=100`)
  // Fetched again whenever the person is (every 10 s, or at once on an alert about them); not on mount, which fetched already.
  const seenKey = useRef(refreshKey)
  useEffect(() => {
    if (seenKey.current === refreshKey) return
    seenKey.current = refreshKey
    reload()
  }, [refreshKey, reload])
  const items = data?.items ?? []
  return (
    <section class="panel" aria-labelledby="person-timeline" data-testid="person-timeline">
      <h2 id="person-timeline" tabIndex={-1}>
        Timeline
      </h2>
      {error !== undefined && (
        <p class="notice" role="status">
          {error instanceof ApiError && error.status === 404 ? 'The timeline is not available on this server yet.' : `Could not load the timeline: ${messageOf(error)}`}
        </p>
      )}
      {data && items.length === 0 && <p class="muted">Nothing yet.</p>}
      {items.length > 0 && (
        <div class="timeline-scroll" role="region" aria-label="Timeline entries, newest first" tabIndex={0}>
        <ol class="timeline">
          {items.map((item, i) => (
            <li key={`${item.at}-${i}`} data-source={item.source}>
              <time dateTime={item.at}>{formatDateTime(item.at)}</time>{' '}
              <span class="tag">{item.source === 'alert' ? 'Alert' : 'Device'}</span> {item.text}
              {item.by && <span class="muted"> · {item.by}</span>}
              {item.deviceId && <span class="muted"> · {item.deviceId}</span>}
            </li>
          ))}
        </ol>
        </div>
      )}
    </section>
  )
}
