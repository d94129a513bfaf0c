import { createHash, timingSafeEqual } from 'node:crypto'
import type { Request, RequestHandler } from 'express'
import type { Registry } from 'prom-client'
import { HearthError } from '../contract/index.js'

/** The platform's metrics, then those kept elsewhere (the ingest thread's), in the Prometheus text format. */
export async function renderMetrics(metrics: Registry, extra?: () => Promise<string>): Promise<string> {
  const own = await metrics.metrics()
  return extra ? `${own}\n${await extra().catch(() => '')}` : own
}

/** Digests of equal length, so that comparing them takes as long whatever was sent. */
const digest = (text: string): Buffer => createHash('sha256').update(text).digest()

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]'])

/**
 * A request made on this machine to this one directly: from loopback, to a loopback name (a page
 * elsewhere whose name was pointed at 127.0.0.1, DNS rebinding, sends its own), and not
 * forwarded by a proxy in front of Hearth.
 */
function fromThisMachine(req: Request): boolean {
  const address = req.socket.remoteAddress ?? ''
  const loopback = address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.')
  const hostName = (req.get('host') ?? '').replace(/:\d+$/, '').toLowerCase()
  return loopback && LOOPBACK_NAMES.has(hostName) && req.get('x-forwarded-for') === undefined && req.get('forwarded') === undefined
}

/**
 * `GET /metrics` on the HTTP port (PROTOCOL §2). Metrics say how busy Hearth is and how it fares,
 * not for everyone who reaches the dashboard. With a token (HEARTH_METRICS_TOKEN) they are served
 * to `Authorization: Bearer <token>` only (401 otherwise). Without one, to requests made on this
 * machine directly (a scraper or an operator on the host), and refused (403) to anything from
 * elsewhere or forwarded by a proxy; HEARTH_METRICS_PORT also serves them on a loopback port.
 */
export function metricsRoute(token: string | undefined, render: () => Promise<string>, contentType: string): RequestHandler {
  const expected = token === undefined ? undefined : digest(token)
  return (req, res, next) => {
    if (expected === undefined) {
      if (!fromThisMachine(req)) return next(new HearthError('forbidden', 'metrics are served on this machine only, or to HEARTH_METRICS_TOKEN'))
    } else {
      const sent = /^Bearer (\S+)$/i.exec(req.get('authorization') ?? '')?.[1]
      if (sent === undefined || !timingSafeEqual(digest(sent), expected)) {
        res.setHeader('WWW-Authenticate', 'Bearer realm="hearth-metrics"')
        return next(new HearthError('unauthorized', 'metrics need the metrics token (Authorization: Bearer)'))
      }
    }
    render().then(
      (text) => {
        res.setHeader('Content-Type', contentType)
        res.setHeader('Cache-Control', 'no-store')
        res.send(text)
      },
      (error: unknown) => next(error),
    )
  }
}
