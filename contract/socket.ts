import type { Alert } from './alert.js'

/** PROTOCOL §2: the live dashboard receives `alert` on every change to an alert the user may see. */
export interface ServerToClientEvents {
  alert: (alert: Alert) => void
  /** Sent once after connecting, so a client knows its view is live. */
  ready: (info: { user: string; serverTime: string }) => void
}

/** The dashboard accepts no messages from browsers over the socket; actions go through the HTTP API. */
export type ClientToServerEvents = Record<string, never>

export const SOCKET_PATH = '/socket.io'
