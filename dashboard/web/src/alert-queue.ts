import type { Alert } from '../../../contract/alert.js'
import { PRIORITY_RANK } from './contract-values.js'

const STATUS_RANK: Record<Alert['status'], number> = { raised: 0, acknowledged: 1, resolved: 2 }

/** Emergencies first, then oldest first within a priority (as GET /api/alerts/queue sorts). */
export function compareForQueue(a: Alert, b: Alert): number {
  return PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority] || a.raisedAt.localeCompare(b.raisedAt) || a.id.localeCompare(b.id)
}

/**
 * True when `incoming` is an older state of the alert than `known`: an answer to our own request
 * that arrives after the live feed has moved on. Each step of an alert's life raises one of these,
 * in this order of weight: sent back to the queue, a repeat folded in, taken, escalated.
 */
export function isOlderState(known: Alert, incoming: Alert): boolean {
  const a = [known.reraisedCount, known.occurrences, STATUS_RANK[known.status], known.escalationLevel]
  const b = [incoming.reraisedCount, incoming.occurrences, STATUS_RANK[incoming.status], incoming.escalationLevel]
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) return (b[i] ?? 0) < (a[i] ?? 0)
  }
  return false
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
  private pending: Alert[] | undefined
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

  /** Starts a resync: live events are held until the snapshot arrives, then applied on top of it. */
  beginResync(): void {
    this.pending ??= []
  }

  /** Replaces the open alerts with a fresh snapshot; those no longer open are dropped. */
  completeResync(snapshot: readonly Alert[]): QueueChange[] {
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

  /** Gives up a resync that failed: the held events are applied as they are. */
  abandonResync(): void {
    const held = this.pending ?? []
    this.pending = undefined
    for (const alert of held) this.apply(alert)
  }

  clear(): void {
    this.open.clear()
    this.resolved.clear()
    this.pending = undefined
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
    const becameEmergency = alert.priority === 'emergency' && alert.status === 'raised' && previous?.priority !== 'emergency'
    return { alert, isNew: announce && !previous, isNewEmergency: announce && becameEmergency }
  }

  private emit(change: QueueChange | undefined): void {
    for (const listener of this.listeners) listener(change)
  }
}
