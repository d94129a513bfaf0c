import type { SessionUser } from '../access.js'
import { AlertItem } from '../components/alert-item.js'
import { SilencedNotes } from '../components/silenced-notes.js'
import { useDocumentTitle } from '../document-title.js'
import { useLiveQueueContext } from '../live-queue.js'

/** The responder's home: open alerts, emergencies first then oldest, live. */
export function QueuePage({ user }: { user: SessionUser }) {
  const live = useLiveQueueContext()
  const alerts = live.queue.sorted()
  const stale = !live.fresh
  const waiting = alerts.filter((a) => a.status === 'raised').length
  useDocumentTitle(`Alerts (${alerts.length})`)
  return (
    <section data-testid="queue" aria-labelledby="queue-title" class="queue" data-stale={String(stale)}>
      <div class="page-head">
        <h1 id="queue-title" tabIndex={-1}>
          Open alerts <span class="count">({alerts.length})</span>
        </h1>
        <p class="summary">
          {waiting} waiting for a responder · {alerts.length - waiting} taken
        </p>
      </div>
      {stale && (
        <p id="queue-stale" class="notice stale-note">
          {live.queue.isLoaded
            ? 'Not live: this list may be out of date. Actions still go to Hearth, which refuses any that no longer apply.'
            : 'Loading the queue…'}
        </p>
      )}
      <SilencedNotes />
      {alerts.length === 0 && live.queue.isLoaded && <p class="empty">No open alerts.</p>}
      <ol class="alerts">
        {alerts.map((alert) => (
          <AlertItem key={alert.id} alert={alert} stale={stale} username={user.username} />
        ))}
      </ol>
    </section>
  )
}
