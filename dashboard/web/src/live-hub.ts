import { createContext } from 'preact'
import { useContext, useEffect, useRef } from 'preact/hooks'
import type { Alert } from '../../../contract/alert.js'
import type { TimelineItem } from '../../../contract/api.js'
import type { SilencedNotice } from '../../../contract/care-settings.js'
import type { BreakGlassGrant } from '../../../contract/circle-values.js'
import type { Incident } from '../../../contract/incidents.js'

/** A note on a person's record, as it reaches every member with the timeline scope. */
export interface PersonNoteEvent {
  personId: string
  item: TimelineItem
}

/** What the live connection tells the pages: each event only reaches users who may see it. */
export interface LiveEventMap {
  alert: Alert
  'person.note': PersonNoteEvent
  'break-glass': BreakGlassGrant
  silenced: SilencedNotice
  incident: Incident
  /** (Re)connected at this server time: whatever a page shows may have missed events, so it fetches again. */
  ready: string
}

type Listener<K extends keyof LiveEventMap> = (value: LiveEventMap[K]) => void

/** Hands the session's one live connection to every page that follows it. */
export class LiveHub {
  private readonly listeners: { [K in keyof LiveEventMap]: Set<Listener<K>> } = {
    alert: new Set(),
    'person.note': new Set(),
    'break-glass': new Set(),
    silenced: new Set(),
    incident: new Set(),
    ready: new Set(),
  }
  private readies = 0

  on<K extends keyof LiveEventMap>(name: K, listener: Listener<K>): () => void {
    const set = this.listeners[name] as Set<Listener<K>>
    set.add(listener)
    return () => set.delete(listener)
  }

  /** How many times the connection has been (re)established this session. */
  get readyCount(): number {
    return this.readies
  }

  emit<K extends keyof LiveEventMap>(name: K, value: LiveEventMap[K]): void {
    if (name === 'ready') this.readies += 1
    for (const listener of this.listeners[name] as Set<Listener<K>>) listener(value)
  }
}

export const LiveHubContext = createContext<LiveHub | undefined>(undefined)

/** Calls `handler` (the latest one given) on every `name` event while the caller is mounted. */
export function useLiveEvent<K extends keyof LiveEventMap>(name: K, handler: Listener<K>): void {
  const hub = useContext(LiveHubContext)
  const latest = useRef(handler)
  latest.current = handler
  useEffect(() => hub?.on(name, (value) => latest.current(value)), [hub, name])
}

/** Calls `handler` when the connection comes back after a gap: pages fetch again what they may have missed. */
export function useReconnected(handler: () => void): void {
  const hub = useContext(LiveHubContext)
  useLiveEvent('ready', () => {
    if ((hub?.readyCount ?? 0) > 1) handler()
  })
}
