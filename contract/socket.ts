import type { Alert } from './alert.js'
import type { TimelineItem } from './api.js'
import type { SilencedNotice } from './care-settings.js'
import type { BreakGlassGrant } from './circle-values.js'
import type { Incident } from './incidents.js'

/** PROTOCOL §2: the live dashboard receives `alert` on every change to an alert the user may see. */
export interface ServerToClientEvents {
  alert: (alert: Alert) => void
  /** Sent once after connecting, so a client knows its view is live. */
  ready: (info: { user: string; serverTime: string }) => void
  /** A note on a person's record, to the members of their circle who follow the timeline. */
  'person.note': (note: { personId: string; item: TimelineItem }) => void
  /** Emergency access to a person's record, to their circle admins and their own account. */
  'break-glass': (grant: BreakGlassGrant) => void
  /** An absence planned or ended: welfare monitoring silenced, to those who follow the person's alerts. */
  silenced: (notice: SilencedNotice) => void
  /** A person's incident taken, transferred, released or joined by a new alert, to those who may see its alerts. */
  incident: (incident: Incident) => void
}

/** The dashboard accepts no messages from browsers over the socket; actions go through the HTTP API. */
export type ClientToServerEvents = Record<string, never>

export const SOCKET_PATH = '/socket.io'
