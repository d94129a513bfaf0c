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
  type PersonAccess,
  type ServerToClientEvents,
  type TimelineItem,
} from '../contract/index.js'
import { alertFor } from './alert-view.js'
import { identify, type Identified } from './authenticate.js'
import type { PersonGuard } from './person-guard.js'
import { followsAlerts, silencedNotice } from './silenced-notices.js'
import { foreignOrigin, type OriginPolicy } from './same-origin.js'
import type { AlertDesk, Users } from './ports.js'

type LiveServer = SocketServer<ClientToServerEvents, ServerToClientEvents, Record<string, never>, Identified>
type LiveSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, Identified>

/**
 * PROTOCOL §2: socket.io `alert` on every change to an alert the user may see; only signed-in
 * users connect, and each event goes only to those whose circle of care (or emergency access)
 * covers that person at the moment it is sent. Browsers send nothing over the socket: actions go
 * through the HTTP API.
 */
export function attachLiveAlerts(
  server: HttpServer,
  deps: { logger: Logger; metrics: Registry; clock: Clock; users: Users; desk: AlertDesk; guard: PersonGuard; originPolicy: OriginPolicy },
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
    const who = identify(socket.request, deps.users, deps.clock, typeof auth.token === 'string' ? auth.token : undefined)
    if (!who) return next(new Error('unauthorized'))
    // A password someone else chose opens nothing until the user has chosen their own.
    if (who.principal.mustChangePassword) return next(new Error('choose a new password first'))
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
  const sendAbout = (personId: string, test: (access: PersonAccess) => boolean, send: (socket: LiveSocket, access: PersonAccess) => void): void => {
    if (io.sockets.sockets.size === 0) return
    const decide = deps.guard.deciderFor(personId)
    const decided = new Map<string, PersonAccess | null>()
    for (const socket of io.sockets.sockets.values()) {
      const { principal } = socket.data
      let access = decided.get(principal.id)
      if (access === undefined) {
        const found = decide(principal)
        access = found !== undefined && test(found) ? found : null
        decided.set(principal.id, access)
      }
      if (access) send(socket, access)
    }
  }

  const unsubscribe = deps.desk.onChange((alert: Alert) => {
    sendAbout(alert.personId, (a) => a.scopes.includes('alerts'), (socket, access) => socket.emit('alert', alertFor(alert, access)))
  })

  return {
    /** A note on a person's record, to every member who follows their timeline. */
    personNote(personId: string, item: TimelineItem): void {
      sendAbout(personId, (a) => a.scopes.includes('timeline'), (socket) => socket.emit('person.note', { personId, item }))
    },
    /** Emergency access, at once to the person's circle admins and their own account. */
    breakGlass(grant: BreakGlassGrant): void {
      sendAbout(grant.personId, (a) => a.circleAdmin || a.basis === 'self', (socket) => socket.emit('break-glass', grant))
    },
    /** An absence planned or ended, to those who follow the person's alerts; why, to those who may read it. */
    absenceChanged(absence: Absence, personName: string): void {
      sendAbout(absence.personId, followsAlerts, (socket, access) => socket.emit('silenced', silencedNotice(absence, personName, access)))
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
