import { createServer, type Server } from 'node:http'
import type { Logger } from 'pino'
import type { Broker } from '../broker/create-broker.js'
import { SOCKET_PATH } from '../contract/index.js'

/** The one HTTP server: the dashboard, its live alerts (socket.io) and MQTT over WebSocket at `/mqtt`. */
export function createHttpServer(): Server {
  const server = createServer()
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
