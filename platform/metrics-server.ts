import { createServer } from 'node:http'
import type { Logger } from 'pino'
import type { Service } from '../contract/index.js'
import { listen, stopHttp } from './http-server.js'

/** Only Prometheus on this host: loopback, whatever HEARTH_HOST is. */
const METRICS_HOST = '127.0.0.1'

/**
 * A `Host` naming loopback: a page elsewhere whose name a DNS rebinding points at 127.0.0.1 sends
 * its own name, and is not answered.
 */
const LOOPBACK_HOST = /^(127\.0\.0\.1|localhost)(:\d+)?$/i

/**
 * `GET /metrics` and nothing else, on 127.0.0.1:HEARTH_METRICS_PORT, with no token: what reaches
 * a loopback port is this host's own. Resolves with the port it took (0: any free one) and the
 * service that closes it.
 */
export async function startMetricsServer(
  port: number,
  render: () => Promise<string>,
  contentType: string,
  logger: Logger,
): Promise<{ port: number; service: Service }> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0]
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD') || !LOOPBACK_HOST.test(req.headers.host ?? '')) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n')
      return
    }
    render().then(
      (text) => res.writeHead(200, { 'Content-Type': contentType, 'Cache-Control': 'no-store' }).end(req.method === 'HEAD' ? undefined : text),
      (error: unknown) => {
        logger.error({ err: error }, 'metrics failed')
        res.writeHead(500, { 'Content-Type': 'text/plain' }).end('metrics failed\n')
      },
    )
  })
  server.headersTimeout = 20_000
  server.requestTimeout = 30_000
  const taken = await listen(server, port, METRICS_HOST, logger)
  return { port: taken, service: { start: () => Promise.resolve(), close: () => stopHttp(server) } }
}
