import type { Server as HttpServer } from 'node:http'
import { Server as SocketServer } from 'socket.io'
import type { Logger } from 'pino'
import { Gauge, type Registry } from 'prom-client'
import { SOCKET_PATH, type Alert, type Clock, type ClientToServerEvents, type ServerToClientEvents } from '../contract/index.js'
import { can } from './access-policy.js'
import { identify, type Identified } from './authenticate.js'
import type { AlertDesk, Users } from './ports.js'

type LiveServer = SocketServer<ClientToServerEvents, ServerToClientEvents, Record<string, never>, Identified>

const ALERTS_ROOM = 'alerts'

/**
 * PROTOCOL §2: socket.io `alert` on every change to an alert the user may see; only signed-in
 * users connect. Browsers send nothing over the socket: actions go through the HTTP API.
 */
export function attachLiveAlerts(server: HttpServer, deps: { logger: Logger; metrics: Registry; clock: Clock; users: Users; desk: AlertDesk }) {
  const io: LiveServer = new SocketServer(server, {
    path: SOCKET_PATH,
    serveClient: true,
    // Other upgrades on this port (MQTT over WebSocket at /mqtt) belong to someone else.
    destroyUpgrade: false,
    maxHttpBufferSize: 16 * 1024,
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
    if (can(principal, 'alerts:read')) void socket.join(ALERTS_ROOM)
    socket.onAny((event: string) => {
      deps.logger.info({ user: principal.username, event }, 'socket message refused: the live connection is receive-only')
    })
    socket.emit('ready', { user: principal.username, serverTime: new Date(deps.clock.now()).toISOString() })
  })

  const unsubscribe = deps.desk.onChange((alert: Alert) => {
    io.to(ALERTS_ROOM).emit('alert', alert)
  })

  return {
    /** Sign-out also drops the live connections opened with that session. */
    /** A user whose roles changed reconnects, and joins only the rooms the new roles allow. */
    dropUser(userId: string): void {
      for (const socket of io.sockets.sockets.values()) {
        if (socket.data.principal.id === userId) socket.disconnect(true)
      }
    },
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
