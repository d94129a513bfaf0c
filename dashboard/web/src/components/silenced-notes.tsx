import type { SilencedNotice } from '../../../../contract/care-settings.js'
import { formatDateTime } from '../format.js'
import { useLiveEvent, useReconnected } from '../live-hub.js'
import { useApiData } from '../use-api-data.js'

/** Fetched again at least this often, so a notice leaves the queue soon after its absence ends. */
const REFRESH_MS = 60_000

/**
 * Whose welfare monitoring is silenced now by a planned absence: a responder who sees no
 * inactivity alert for someone knows why, and who answers for it. Live: an absence planned or
 * ended anywhere shows here at once.
 */
export function SilencedNotes() {
  const { data, reload } = useApiData<{ silenced: SilencedNotice[] }>('/api/absences/in-force', REFRESH_MS)
  useLiveEvent('silenced', () => reload())
  useReconnected(() => reload())
  const notices = data?.silenced ?? []
  if (notices.length === 0) return null
  return (
    <section class="panel silenced-notes" data-testid="silenced-notes" aria-labelledby="silenced-title">
      <h2 id="silenced-title">Monitoring silenced by a planned absence ({notices.length})</h2>
      <p class="hint">No inactivity, night-time, offline or missed-medication alerts for them until the absence ends; alarms, falls, smoke and vital signs still come.</p>
      <ul>
        {notices.map((notice) => (
          <li key={notice.absenceId} data-testid="silenced-note">
            <a href={`#/person/${encodeURIComponent(notice.personId)}`}>{notice.personName}</a> until {formatDateTime(notice.to)}
            {notice.reason !== null && <> ({notice.reason})</>}, planned by {notice.createdBy}
          </li>
        ))}
      </ul>
    </section>
  )
}
