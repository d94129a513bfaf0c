import { createContext } from 'preact'
import { useContext, useEffect, useMemo, useRef, useState } from 'preact/hooks'
import type { Alert } from '../../../contract/alert.js'
import { AlertQueue, type QueueChange } from './alert-queue.js'
import { announce } from './announcer.js'
import { setServerTime } from './answer-clock.js'
import { api } from './api.js'
import { connectLive, type LiveState } from './live.js'
import type { LiveHub } from './live-hub.js'
import { describeEmergencies, describeNew } from './queue-announcements.js'
import { playEmergencyCue } from './sound.js'

export interface LiveQueue {
  queue: AlertQueue
  /** Only responders, supervisors and admins follow the queue; everyone else gets the live events alone. */
  queueEnabled: boolean
  state: LiveState
  /** The view matches the server: connected and (for the queue) resynced since. */
  fresh: boolean
  /** New emergencies nobody has taken yet, newest first, until taken or dismissed. */
  emergencies: Alert[]
  /** Connected, but fetching the queue after the (re)connection failed: retrying until it works. */
  resyncFailed: boolean
  dismissEmergency: (id: string) => void
}

export const LiveQueueContext = createContext<LiveQueue | undefined>(undefined)
/** The queue object alone: it never changes, so reading it re-renders nothing. */
export const AlertQueueContext = createContext<AlertQueue | undefined>(undefined)

export function useAlertQueue(): AlertQueue {
  const queue = useContext(AlertQueueContext)
  if (!queue) throw new Error('useAlertQueue outside AlertQueueContext')
  return queue
}

export function useLiveQueueContext(): LiveQueue {
  const live = useContext(LiveQueueContext)
  if (!live) throw new Error('useLiveQueueContext outside LiveQueueContext')
  return live
}

/** Re-renders the caller whenever the queue changes. */
function useQueueChanges(queue: AlertQueue, onChange?: (change: QueueChange | undefined) => void): number {
  const [version, setVersion] = useState(0)
  const handler = useRef(onChange)
  handler.current = onChange
  useEffect(
    () =>
      queue.subscribe((change) => {
        setVersion((v) => v + 1)
        handler.current?.(change)
      }),
    [queue],
  )
  return version
}

/** Polite announcements are grouped, but none waits longer than this. */
const ANNOUNCE_EVERY_MS = 1000
/** A failed resync is tried again after 1 s, 2 s, 4 s… up to this. */
const MAX_RETRY_MS = 30_000
/** While an emergency waits for a responder its cue sounds again this often (unless muted in this browser). */
const REPEAT_CUE_MS = 5000

/**
 * The live connection of the whole signed-in session, for every user: its events go to `hub`; for
 * those who follow the queue, also the queue itself, resynced after every gap, with its cues.
 */
export function useLiveQueue(queueEnabled: boolean, hub: LiveHub, onUnauthorized: () => void): LiveQueue {
  const queue = useMemo(() => new AlertQueue(), [])
  const [state, setState] = useState<LiveState>('connecting')
  const [fresh, setFresh] = useState(false)
  const [resyncFailed, setResyncFailed] = useState(false)
  const [emergencyIds, setEmergencyIds] = useState<string[]>([])
  const pendingAnnouncements = useRef<QueueChange[]>([])
  const announceTimer = useRef<number>()

  const notice = (changes: readonly QueueChange[]) => {
    const emergencies = changes.filter((c) => c.isNewEmergency)
    if (emergencies.length > 0) {
      const ids = emergencies.map((c) => c.alert.id).reverse()
      setEmergencyIds((old) => [...ids, ...old.filter((id) => !ids.includes(id))])
      playEmergencyCue()
      // Emergencies are read out at once, in the assertive region.
      announce(describeEmergencies(emergencies), true)
    }
    const others = changes.filter((c) => c.isNew && !c.isNewEmergency)
    if (others.length === 0) return
    // A burst is read out once; the timer is not restarted, so a stream is still announced every second.
    pendingAnnouncements.current.push(...others)
    announceTimer.current ??= window.setTimeout(() => {
      announceTimer.current = undefined
      announce(describeNew(pendingAnnouncements.current))
      pendingAnnouncements.current = []
    }, ANNOUNCE_EVERY_MS)
  }

  useQueueChanges(queue, (change) => {
    if (!change) return
    if (change.alert.status !== 'raised') setEmergencyIds((ids) => (ids.includes(change.alert.id) ? ids.filter((id) => id !== change.alert.id) : ids))
    notice([change])
  })

  useEffect(() => {
    let stopped = false
    let retryTimer: number | undefined
    let failures = 0
    const resync = async () => {
      window.clearTimeout(retryTimer)
      setFresh(false)
      const resyncNumber = queue.beginResync()
      try {
        const { alerts } = await api<{ alerts: Alert[] }>('/api/alerts/queue')
        if (stopped) return
        const changes = queue.completeResync(resyncNumber, alerts)
        // Undefined: a later resync (after another reconnect) is under way and its answer counts.
        if (!changes) return
        failures = 0
        setResyncFailed(false)
        notice(changes)
        setFresh(true)
      } catch {
        if (stopped || !queue.isLatest(resyncNumber)) return
        queue.abandonResync(resyncNumber)
        setResyncFailed(true)
        retryTimer = window.setTimeout(() => void resync(), Math.min(MAX_RETRY_MS, 1000 * 2 ** failures))
        failures += 1
      }
    }
    const connection = connectLive({
      onAlert: (alert) => {
        if (queueEnabled) queue.apply(alert)
        hub.emit('alert', alert)
      },
      onPersonNote: (event) => hub.emit('person.note', event),
      onBreakGlass: (grant) => hub.emit('break-glass', grant),
      onSilenced: (notice) => hub.emit('silenced', notice),
      onIncident: (incident) => hub.emit('incident', incident),
      onReady: (serverTime) => {
        setServerTime(serverTime)
        failures = 0
        hub.emit('ready', serverTime)
        if (queueEnabled) void resync()
        else setFresh(true)
      },
      onState: (next) => {
        setState(next)
        if (next === 'live') return
        // The next `ready` resyncs; no point retrying over a dead connection.
        window.clearTimeout(retryTimer)
        setFresh(false)
        setResyncFailed(false)
      },
      onUnauthorized,
    })
    return () => {
      stopped = true
      window.clearTimeout(retryTimer)
      connection.close()
      queue.clear()
      window.clearTimeout(announceTimer.current)
      announceTimer.current = undefined
      pendingAnnouncements.current = []
    }
  }, [queueEnabled, queue, hub])

  // An emergency nobody has taken is not let slip: its cue repeats until someone does.
  useEffect(() => {
    if (!queueEnabled) return undefined
    const timer = window.setInterval(() => {
      if (queue.sorted().some((a) => a.status === 'raised' && a.priority === 'emergency')) playEmergencyCue()
    }, REPEAT_CUE_MS)
    return () => window.clearInterval(timer)
  }, [queueEnabled, queue])

  // Taken or closed emergencies leave the banner.
  const emergencies = emergencyIds.map((id) => queue.get(id)).filter((a): a is Alert => a?.status === 'raised')
  return {
    queue,
    queueEnabled,
    state,
    fresh: fresh && state === 'live',
    resyncFailed: queueEnabled && resyncFailed && state === 'live',
    emergencies,
    dismissEmergency: (id) => setEmergencyIds((ids) => ids.filter((other) => other !== id)),
  }
}
