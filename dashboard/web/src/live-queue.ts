import { createContext } from 'preact'
import { useContext, useEffect, useMemo, useRef, useState } from 'preact/hooks'
import type { Alert } from '../../../contract/alert.js'
import { AlertQueue, type QueueChange } from './alert-queue.js'
import { api } from './api.js'
import { kindText, PRIORITY_LABELS } from './format.js'
import { connectLive, type LiveState } from './live.js'
import { playEmergencyCue } from './sound.js'

export interface LiveQueue {
  queue: AlertQueue
  /** `off` for users who do not see alerts (clinicians). */
  state: LiveState | 'off'
  /** The queue matches the server: connected and resynced since. */
  fresh: boolean
  /** New emergencies nobody has taken yet, newest first, until taken or dismissed. */
  emergencies: Alert[]
  dismissEmergency: (id: string) => void
  /** The latest words for the polite live region. */
  announcement: string
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
export function useQueueChanges(queue: AlertQueue, onChange?: (change: QueueChange | undefined) => void): number {
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

function describe(changes: readonly QueueChange[]): string {
  const first = changes[0]
  if (!first) return ''
  if (changes.length === 1) {
    const { alert } = first
    return `New ${PRIORITY_LABELS[alert.priority].toLowerCase()} alert: ${alert.personName}, ${alert.summary ?? kindText(alert.kind)}.`
  }
  const emergencies = changes.filter((c) => c.alert.priority === 'emergency').length
  return `${changes.length} new alerts${emergencies > 0 ? `, ${emergencies} of them emergencies` : ''}.`
}

/** The live alert feed for the whole signed-in session: socket, resync after every gap, and the cues. */
export function useLiveQueue(enabled: boolean, onUnauthorized: () => void): LiveQueue {
  const queue = useMemo(() => new AlertQueue(), [])
  const [state, setState] = useState<LiveState>('connecting')
  const [fresh, setFresh] = useState(false)
  const [emergencyIds, setEmergencyIds] = useState<string[]>([])
  const [announcement, setAnnouncement] = useState('')
  const pendingAnnouncements = useRef<QueueChange[]>([])
  const announceTimer = useRef<number>()

  const notice = (changes: readonly QueueChange[]) => {
    const emergencies = changes.filter((c) => c.isNewEmergency).map((c) => c.alert.id)
    if (emergencies.length > 0) {
      setEmergencyIds((ids) => [...emergencies.reverse(), ...ids.filter((id) => !emergencies.includes(id))])
      playEmergencyCue()
    }
    const fresh = changes.filter((c) => c.isNew || c.isNewEmergency)
    if (fresh.length === 0) return
    // Announce a burst once rather than reading out every alert of it.
    pendingAnnouncements.current.push(...fresh)
    window.clearTimeout(announceTimer.current)
    announceTimer.current = window.setTimeout(() => {
      setAnnouncement(describe(pendingAnnouncements.current))
      pendingAnnouncements.current = []
    }, 400)
  }

  useQueueChanges(queue, (change) => {
    if (!change) return
    if (change.alert.status !== 'raised') setEmergencyIds((ids) => (ids.includes(change.alert.id) ? ids.filter((id) => id !== change.alert.id) : ids))
    notice([change])
  })

  useEffect(() => {
    if (!enabled) return
    let stopped = false
    const resync = async () => {
      setFresh(false)
      queue.beginResync()
      try {
        const { alerts } = await api<{ alerts: Alert[] }>('/api/alerts/queue')
        if (stopped) return
        notice(queue.completeResync(alerts))
        setFresh(true)
      } catch {
        queue.abandonResync()
      }
    }
    const connection = connectLive({
      onAlert: (alert) => queue.apply(alert),
      onReady: () => void resync(),
      onState: (next) => {
        setState(next)
        if (next !== 'live') setFresh(false)
      },
      onUnauthorized,
    })
    return () => {
      stopped = true
      connection.close()
      queue.clear()
      window.clearTimeout(announceTimer.current)
    }
  }, [enabled, queue])

  // Taken or closed emergencies leave the banner.
  const emergencies = emergencyIds.map((id) => queue.get(id)).filter((a): a is Alert => a?.status === 'raised')
  return {
    queue,
    state: enabled ? state : 'off',
    fresh: enabled && fresh && state === 'live',
    emergencies,
    dismissEmergency: (id) => setEmergencyIds((ids) => ids.filter((other) => other !== id)),
    announcement,
  }
}
