import { ServerResponse, createServer, type IncomingMessage, type Server } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { Logger } from 'pino'
import type { Broker } from '../broker/create-broker.js'
import { SOCKET_PATH } from '../contract/index.js'
import { STRICT_TRANSPORT_SECURITY } from '../dashboard/create-dashboard.js'

/**
 * Every answer of an HTTPS server says so (ASVS 3.4.1): the dashboard's, the API's, and socket.io's
 * own (its polling fallback, its refusals), which never pass through the dashboard's middleware.
 */
class HstsResponse<Request extends IncomingMessage = IncomingMessage> extends ServerResponse<Request> {
  constructor(req: Request) {
    super(req)
    this.setHeader('Strict-Transport-Security', STRICT_TRANSPORT_SECURITY)
  }
}

/**
 * The one HTTP server: the dashboard, its live alerts (socket.io) and MQTT over WebSocket at `/mqtt`.
 * Given a key and certificate it speaks HTTPS only (WebSockets over it are `wss`): one port, no
 * plain-HTTP listener beside it, not even to redirect.
 */
export function createHttpServer(tls?: { key: Buffer; cert: Buffer }): Server {
  // TLS 1.2 and up (Node's default minimum), with Node's default cipher list; a handshake has the
  // time a request has to send its headers.
  const server = tls ? createHttpsServer({ key: tls.key, cert: tls.cert, ServerResponse: HstsResponse, handshakeTimeout: 20_000 }) : createServer()
  server.headersTimeout = 20_000
  server.requestTimeout = 30_000
  return server
}

/** WebSocket upgrades: `/mqtt` to the broker, socket.io's to socket.io. */
export function routeUpgrades(server: Server, broker: Pick<Broker, 'handleUpgrade'>): void {
  server.on('upgrade', (req, socket, head) => {
    const path = (req.url ?? '').split('?')[0]
    if (path === '/mqtt') broker.handleUpgrade(req, socket, head)
    // socket.io answers its own upgrades; anything else is closed rather than left open.
    else if (!path?.startsWith(`${SOCKET_PATH}/`)) socket.destroy()
  })
}

/** Listens on `port` (0: any free one) and returns the port it took. */
export async function listen(server: Server, port: number, host: string, logger: Logger): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => resolve())
  })
  // After listen, accept errors (such as EMFILE) are logged; they must not end the process.
  server.on('error', (error) => logger.error({ err: error }, 'http server error'))
  const address = server.address()
  return typeof address === 'object' && address ? address.port : port
}

/**
 * Stops taking requests and closes every connection; upgraded ones (live dashboards, MQTT over
 * WebSocket) close with their services. Resolves once the server has closed.
 */
export function stopHttp(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()))
  server.closeAllConnections()
  return closed
}
