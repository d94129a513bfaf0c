import { useState } from 'preact/hooks'
import type { TimelineItem } from '../../../../contract/api.js'
import { ApiError, messageOf } from '../api.js'
import { roleText } from '../circle-text.js'
import { formatDateTime } from '../format.js'
import { useLiveEvent } from '../live-hub.js'
import { useApiData, useReloadOn } from '../use-api-data.js'
import { timelineRows } from './timeline-groups.js'

const SOURCE_TAGS: Record<TimelineItem['source'], string> = {
  event: 'Device',
  alert: 'Alert',
  note: 'Note',
  'care-settings': 'Care settings',
  absence: 'Absence',
  call: 'Call',
}

const keyOf = (item: TimelineItem) => `${item.at}|${item.source}|${item.type}|${item.by ?? ''}|${item.text}`

/** Who wrote or did it, so that each member keeps their identity: "Nia Jones (Riverside NHS, Clinician)". */
function authorText(item: Pick<TimelineItem, 'by' | 'organisation' | 'role'>): string {
  if (!item.by) return ''
  const about = [item.organisation ?? '', roleText(item.role)].filter((s) => s !== '').join(', ')
  return about ? `${item.by} (${about})` : item.by
}

/** One entry: when, what kind, what was said or done, and by whom. */
function TimelineEntry({ item }: { item: TimelineItem }) {
  return (
    <li data-source={item.source} data-testid="timeline-item">
      <time dateTime={item.at}>{formatDateTime(item.at)}</time> <span class="tag">{SOURCE_TAGS[item.source] ?? item.source}</span>{' '}
      {item.source === 'note' ? <q class="note-text">{item.text}</q> : item.text}
      {item.by && <span class="author"> · {authorText(item)}</span>}
      {item.deviceId && <span class="muted"> · {item.deviceId}</span>}
    </li>
  )
}

/**
 * Device events, alerts and their handling, notes from every member, care settings changes and
 * absences, newest first; a note written by anyone in the circle appears at once. Everything done
 * on one incident is one entry, its log read in order.
 */
export function PersonTimeline({ personId, refreshKey }: { personId: string; refreshKey: number }) {
  const { data, error, reload } = useApiData<{ items: TimelineItem[] }>(`/api/persons/${encodeURIComponent(personId)}/timeline?limit=100`)
  const [heard, setHeard] = useState<TimelineItem[]>([])
  // Fetched again whenever the person is (every few seconds, or at once on an alert about them); not on mount, which fetched already.
  useReloadOn(refreshKey, reload)
  useLiveEvent('person.note', (event) => {
    if (event.personId === personId) setHeard((old) => [event.item, ...old])
  })

  const fetched = data?.items ?? []
  const known = new Set(fetched.map(keyOf))
  const items = [...heard.filter((i) => !known.has(keyOf(i))), ...fetched].sort((a, b) => b.at.localeCompare(a.at))
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
            {timelineRows(items).map((row) =>
              'item' in row ? (
                <TimelineEntry key={keyOf(row.item)} item={row.item} />
              ) : (
                <li key={`incident|${row.incidentId}`} class="timeline-incident" data-testid="timeline-incident" data-incident-id={row.incidentId}>
                  <p class="incident-heading">{row.heading}</p>
                  <ol class="timeline" aria-label="Incident log, oldest first">
                    {row.items.map((item) => (
                      <TimelineEntry key={keyOf(item)} item={item} />
                    ))}
                  </ol>
                </li>
              ),
            )}
          </ol>
        </div>
      )}
    </section>
  )
}
