import type { Alert } from '../../../contract/alert.js'
import { PRIORITY_RANK } from '../../../contract/alert-values.js'

const STATUS_RANK: Record<Alert['status'], number> = { raised: 0, acknowledged: 1, resolved: 2 }

/** Emergencies first, then oldest first within a priority (as GET /api/alerts/queue sorts). */
export function compareForQueue(a: Alert, b: Alert): number {
  return PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority] || a.raisedAt.localeCompare(b.raisedAt) || a.id.localeCompare(b.id)
}

/** A nullable time as a number: unset sorts before any time. */
function timeRank(iso: string | null): number {
  return iso === null ? -Infinity : Date.parse(iso)
}

/**
 * How far along its life an alert is, weightiest first: sent back to the queue, a repeat folded in,
 * taken, escalated, then the person's or the condition's own news.
 */
function progress(alert: Alert): number[] {
  return [
    alert.reraisedCount,
    Date.parse(alert.lastOccurredAt),
    alert.occurrences,
    STATUS_RANK[alert.status],
    alert.escalationLevel,
    timeRank(alert.clearedAt),
    timeRank(alert.cancelledAt),
  ]
}

/** Positive when `b` is further along than `a`, negative when behind, 0 when the same state. */
export function compareStates(a: Alert, b: Alert): number {
  const pa = progress(a)
  const pb = progress(b)
  for (let i = 0; i < pa.length; i++) {
    const x = pa[i] ?? 0
    const y = pb[i] ?? 0
    if (x !== y) return y > x ? 1 : -1
  }
  return 0
}

/**
 * True when `incoming` is older than `known` or the same state: not strictly newer. An answer to our own request
 * may arrive after (or with) the live feed's news. than `known`. The one already held wins a tie, so a late answer never
 * takes back a `clearedAt` or `cancelledAt` the feed delivered.
 */
export function isOlderState(known: Alert, incoming: Alert): boolean {
  return compareStates(known, incoming) <= 0
}

export interface QueueChange {
  alert: Alert
  /** Not in the queue before (and not merely resynced after a gap). */
  isNew: boolean
  /** A raised emergency this browser had not seen as one: new, or a repeat that became an emergency. */
  isNewEmergency: boolean
}

type Listener = (change: QueueChange | undefined) => void

/** The open alerts this browser knows, kept newest-state-wins and never bringing back a resolved one. */
export class AlertQueue {
  private readonly open = new Map<string, Alert>()
  private readonly resolved = new Set<string>()
  private readonly listeners = new Set<Listener>()
  private sortedCache: Alert[] | undefined
  /** Live events held while a resync is under way, applied on top of the latest snapshot. */
  private pending: Alert[] | undefined
  /** Numbers each resync: only the answer to the latest one counts. */
  private generation = 0
  /** True once a snapshot has been loaded: the first load is not "new" alerts. */
  private loaded = false

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  get isLoaded(): boolean {
    return this.loaded
  }

  get(id: string): Alert | undefined {
    return this.open.get(id)
  }

  sorted(): readonly Alert[] {
    this.sortedCache ??= [...this.open.values()].sort(compareForQueue)
    return this.sortedCache
  }

  /** An alert from the live feed or from an action's answer. */
  apply(alert: Alert): void {
    if (this.pending) {
      this.pending.push(alert)
      return
    }
    const change = this.merge(alert, this.loaded, this.open.get(alert.id))
    if (change) this.emit(change)
  }

  /**
   * Starts a resync: live events are held until the snapshot arrives, then applied on top of it.
   * Returns its number; a resync started later makes this one's answer stale.
   */
  beginResync(): number {
    this.pending ??= []
    this.generation += 1
    return this.generation
  }

  /** True while `resync` is the latest resync and nothing has cleared the queue since. */
  isLatest(resync: number): boolean {
    return resync === this.generation && this.pending !== undefined
  }

  /**
   * Replaces the open alerts with a fresh snapshot; those no longer open are dropped.
   * Returns undefined (and changes nothing) for the answer to a resync that is not the latest.
   */
  completeResync(resync: number, snapshot: readonly Alert[]): QueueChange[] | undefined {
    if (!this.isLatest(resync)) return undefined
    const held = this.pending ?? []
    this.pending = undefined
    const before = new Map(this.open)
    const announce = this.loaded
    this.open.clear()
    this.sortedCache = undefined
    const changes: QueueChange[] = []
    for (const alert of [...snapshot, ...held]) {
      const change = this.merge(alert, announce, this.open.get(alert.id) ?? before.get(alert.id))
      if (change?.isNew || change?.isNewEmergency) changes.push(change)
    }
    this.loaded = true
    this.emit(undefined)
    return changes
  }

  /** Gives up the latest resync, which failed: the held events are applied as they are (the caller retries). */
  abandonResync(resync: number): void {
    if (!this.isLatest(resync)) return
    const held = this.pending ?? []
    this.pending = undefined
    for (const alert of held) this.apply(alert)
  }

  clear(): void {
    this.open.clear()
    this.resolved.clear()
    this.pending = undefined
    this.generation += 1
    this.loaded = false
    this.emit(undefined)
  }

  /** `previous` is what this browser showed before, for deciding what is new to the responder. */
  private merge(alert: Alert, announce: boolean, previous: Alert | undefined): QueueChange | undefined {
    if (this.resolved.has(alert.id)) return undefined
    const known = this.open.get(alert.id)
    if (known && isOlderState(known, alert)) return undefined
    this.sortedCache = undefined
    if (alert.status === 'resolved') {
      this.resolved.add(alert.id)
      this.open.delete(alert.id)
      return { alert, isNew: false, isNewEmergency: false }
    }
    this.open.set(alert.id, alert)
    // Also an emergency sent back to the queue: it needs a responder again.
    const sentBack = previous !== undefined && alert.reraisedCount > previous.reraisedCount
    const becameEmergency = alert.priority === 'emergency' && alert.status === 'raised' && (previous?.priority !== 'emergency' || sentBack)
    return { alert, isNew: announce && !previous, isNewEmergency: announce && becameEmergency }
  }

  private emit(change: QueueChange | undefined): void {
    for (const listener of this.listeners) listener(change)
  }
}
