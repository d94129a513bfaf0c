import { io, type Socket } from 'socket.io-client'
import type { Alert } from '../../../contract/alert.js'
import type { SilencedNotice } from '../../../contract/care-settings.js'
import type { BreakGlassGrant } from '../../../contract/circle-values.js'
import type { Incident } from '../../../contract/incidents.js'
import { SOCKET_PATH, type ClientToServerEvents, type ServerToClientEvents } from '../../../contract/socket.js'
import type { PersonNoteEvent } from './live-hub.js'

export type LiveState = 'connecting' | 'live' | 'lost'

export interface LiveHandlers {
  onAlert(alert: Alert): void
  onPersonNote(event: PersonNoteEvent): void
  onBreakGlass(grant: BreakGlassGrant): void
  onSilenced(notice: SilencedNotice): void
  /** A person's incident taken, handed on, released or joined by an alert (the call-handling console). */
  onIncident(incident: Incident): void
  /** After every (re)connection: the view must be rebuilt from the API, since events may have been missed. */
  onReady(serverTime: string): void
  onState(state: LiveState): void
  /** The server refused the session: it expired or was signed out elsewhere. */
  onUnauthorized(): void
}

export interface LiveConnection {
  close(): void
}

/**
 * The socket.io feed of PROTOCOL §2: `alert` on every change, `ready` once connected; and of the
 * circles of care: `person.note` and `break-glass`; and `silenced`, an absence planned or ended; `incident`, for the console. The server sends each user only what they may see.
 */
export function connectLive(handlers: LiveHandlers): LiveConnection {
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io({ path: SOCKET_PATH, transports: ['websocket', 'polling'] })
  let closed = false
  handlers.onState('connecting')

  socket.on('ready', ({ serverTime }) => {
    handlers.onState('live')
    handlers.onReady(serverTime)
  })
  socket.on('alert', (alert) => handlers.onAlert(alert))
  socket.on('person.note', (event) => handlers.onPersonNote(event))
  socket.on('break-glass', (grant) => handlers.onBreakGlass(grant))
  socket.on('silenced', (notice) => handlers.onSilenced(notice))
  socket.on('incident', (incident) => handlers.onIncident(incident))
  socket.on('disconnect', (reason) => {
    if (closed) return
    handlers.onState('lost')
    // The server closed it (session ended, or the server restarted its side): socket.io does not retry by itself.
    if (reason === 'io server disconnect') socket.connect()
  })
  socket.on('connect_error', (error) => {
    if (closed) return
    if (error.message === 'unauthorized') {
      closed = true
      socket.disconnect()
      handlers.onUnauthorized()
      return
    }
    handlers.onState('lost')
  })

  // A lost network can take the socket's heartbeat most of a minute to notice; the browser knows at once.
  const offline = () => handlers.onState('lost')
  // Back online, reconnect even if the socket never noticed: the fresh `ready` resyncs the view.
  const online = () => {
    socket.disconnect()
    socket.connect()
  }
  window.addEventListener('offline', offline)
  window.addEventListener('online', online)

  return {
    close() {
      closed = true
      window.removeEventListener('offline', offline)
      window.removeEventListener('online', online)
      socket.disconnect()
    },
  }
}
