import type { Server as HttpServer } from 'node:http'
import { Server as SocketServer, type Socket } from 'socket.io'
import type { Logger } from 'pino'
import { Gauge, type Registry } from 'prom-client'
import {
  SOCKET_PATH,
  type Absence,
  type Alert,
  type BreakGlassGrant,
  type Clock,
  type ClientToServerEvents,
  type Incident,
  type PersonAccess,
  type ServerToClientEvents,
  type TimelineItem,
} from '../contract/index.js'
import { can } from './access-policy.js'
import { alertFor } from './alert-view.js'
import { identify, type Identified } from './authenticate.js'
import type { PersonGuard } from './person-guard.js'
import { personReads, type PersonReads } from './person-reads.js'
import { followsAlerts, silencedNotice } from './silenced-notices.js'
import { foreignOrigin, type OriginPolicy } from './same-origin.js'
import type { AlertDesk, Users, WishesStore } from './ports.js'
import type { TwoFactorPolicy } from './two-factor-policy.js'

type LiveServer = SocketServer<ClientToServerEvents, ServerToClientEvents, Record<string, never>, Identified>
type LiveSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, Identified>

/** How one connected user reaches a person: their access, and what it lets them read (person-reads.ts). */
interface Viewer {
  access: PersonAccess
  reads: PersonReads
}

/**
 * PROTOCOL §2: socket.io `alert` on every change to an alert the user may see; only signed-in
 * users connect, and each event goes only to those whose circle of care (or emergency access)
 * covers that person at the moment it is sent. Browsers send nothing over the socket: actions go
 * through the HTTP API.
 */
export function attachLiveAlerts(
  server: HttpServer,
  deps: {
    logger: Logger
    metrics: Registry
    clock: Clock
    users: Users
    desk: AlertDesk
    guard: PersonGuard
    originPolicy: OriginPolicy
    twoFactorPolicy: TwoFactorPolicy
    /** What matters to each person: how to speak to them, on every alert (alert-view.ts). */
    wishes: Pick<WishesStore, 'current'>
  },
) {
  const io: LiveServer = new SocketServer(server, {
    path: SOCKET_PATH,
    serveClient: true,
    // Other upgrades on this port (MQTT over WebSocket at /mqtt) belong to someone else.
    destroyUpgrade: false,
    maxHttpBufferSize: 16 * 1024,
    // The live feed goes to Hearth's own pages only: a page elsewhere that opens it with the
    // browser's cookie would read every alert its user may see (same-origin.ts).
    allowRequest: (req, answer) => {
      const why = foreignOrigin(req, deps.originPolicy)
      if (why !== undefined) deps.logger.warn({ origin: req.headers.origin, site: req.headers['sec-fetch-site'] }, `live connection refused: ${why}`)
      answer(why === undefined ? null : 'cross-origin live connection refused', why === undefined)
    },
  })
  new Gauge({
    name: 'hearth_dashboard_live_connections',
    help: 'Live dashboard connections',
    registers: [deps.metrics],
    collect() {
      this.set(io.engine.clientsCount)
    },
  })

  io.use((socket, next) => {
    const auth = socket.handshake.auth as { token?: unknown }
    const sessions = { users: deps.users, clock: deps.clock, twoFactor: deps.twoFactorPolicy }
    const who = identify(socket.request, sessions, typeof auth.token === 'string' ? auth.token : undefined)
    if (!who) return next(new Error('unauthorized'))
    // A password someone else chose opens nothing until the user has chosen their own.
    if (who.principal.mustChangePassword) return next(new Error('choose a new password first'))
    if (who.principal.mustEnrolTwoFactor) return next(new Error('set up two-factor sign-in first'))
    socket.data = who
    next()
  })

  io.on('connection', (socket) => {
    const { principal, sessionSecret } = socket.data
    // The live feed ends with the session that opened it, not only on sign-out.
    const expiresAt = sessionSecret ? deps.users.sessionExpiresAt(sessionSecret) : undefined
    if (expiresAt !== undefined) {
      const timer = setTimeout(() => socket.disconnect(true), Math.min(Math.max(0, expiresAt - deps.clock.now()), 2 ** 31 - 1))
      timer.unref()
      socket.once('disconnect', () => clearTimeout(timer))
    }
    socket.onAny((event: string) => {
      deps.logger.info({ user: principal.username, event }, 'socket message refused: the live connection is receive-only')
    })
    socket.emit('ready', { user: principal.username, serverTime: new Date(deps.clock.now()).toISOString() })
  })

  /**
   * Sends to each connected user whose access to the person passes the test, decided in memory
   * from the person's circle (read once per event), once per user.
   */
  const sendAbout = (personId: string, test: (viewer: Viewer) => boolean, send: (socket: LiveSocket, viewer: Viewer) => void): void => {
    if (io.sockets.sockets.size === 0) return
    const decide = deps.guard.deciderFor(personId)
    const decided = new Map<string, Viewer | null>()
    for (const socket of io.sockets.sockets.values()) {
      const { principal } = socket.data
      let viewer = decided.get(principal.id)
      if (viewer === undefined) {
        const access = decide(principal)
        const found = access && { access, reads: personReads(principal, access) }
        viewer = found && test(found) ? found : null
        decided.set(principal.id, viewer)
      }
      if (viewer) send(socket, viewer)
    }
  }

  const unsubscribe = deps.desk.onChange((alert: Alert) => {
    sendAbout(alert.personId, (v) => v.reads.alerts, (socket, v) => socket.emit('alert', alertFor(alert, v.reads, deps.wishes)))
  })

  return {
    /** A note on a person's record, to every member who follows their timeline. */
    personNote(personId: string, item: TimelineItem): void {
      sendAbout(personId, (v) => v.reads.timeline, (socket) => socket.emit('person.note', { personId, item }))
    },
    /** A person's incident changed: to each who may see its alerts, as they may see it (incident-view.ts). */
    incidentChanged(personId: string, incidentFor: (reads: PersonReads) => Incident): void {
      // The console is the desk's (as GET /api/incidents): not circle members who only follow the person's alerts.
      sendAbout(personId, (v) => v.reads.alerts, (socket, v) => {
        if (can(socket.data.principal, 'alerts:read')) socket.emit('incident', incidentFor(v.reads))
      })
    },
    /** Emergency access, at once to the person's circle admins and their own account. */
    breakGlass(grant: BreakGlassGrant): void {
      sendAbout(grant.personId, (v) => v.access.circleAdmin || v.access.basis === 'self', (socket) => socket.emit('break-glass', grant))
    },
    /** An absence planned or ended, to those who follow the person's alerts; why, to those who may read it. */
    absenceChanged(absence: Absence, personName: string): void {
      sendAbout(absence.personId, (v) => followsAlerts(v.reads), (socket, v) => socket.emit('silenced', silencedNotice(absence, personName, v.reads)))
    },
    /**
     * Ends the user's live connections (all but those of `keptSession`, when given): a user whose
     * roles changed reconnects under the new roles; a disabled user is gone.
     */
    dropUser(userId: string, keptSession?: string): void {
      for (const socket of io.sockets.sockets.values()) {
        if (socket.data.principal.id === userId && (keptSession === undefined || socket.data.sessionSecret !== keptSession)) socket.disconnect(true)
      }
    },
    /** Sign-out also drops the live connections opened with that session. */
    dropSession(sessionSecret: string): void {
      for (const socket of io.sockets.sockets.values()) {
        if (socket.data.sessionSecret === sessionSecret) socket.disconnect(true)
      }
    },
    close(): void {
      unsubscribe()
      io.disconnectSockets(true)
      // io.close() would also close the HTTP server, which belongs to the root.
      io.engine.close()
    },
  }
}
