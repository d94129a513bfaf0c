import { createHash, timingSafeEqual } from 'node:crypto'
import type { RequestHandler } from 'express'
import type { Registry } from 'prom-client'
import { HearthError } from '../contract/index.js'

/** The platform's metrics, then those kept elsewhere (the ingest thread's), in the Prometheus text format. */
export async function renderMetrics(metrics: Registry, extra?: () => Promise<string>): Promise<string> {
  const own = await metrics.metrics()
  return extra ? `${own}\n${await extra().catch(() => '')}` : own
}

/** Digests of equal length, so that comparing them takes as long whatever was sent. */
const digest = (text: string): Buffer => createHash('sha256').update(text).digest()

/**
 * `GET /metrics` on the HTTP port. Metrics say how busy Hearth is and how it fares, not for
 * everyone who reaches the dashboard: with a token (HEARTH_METRICS_TOKEN) they are served to
 * `Authorization: Bearer <token>` only (401 otherwise); without one the path does not exist here
 * (404) and metrics are read on the loopback metrics port.
 */
export function metricsRoute(token: string | undefined, render: () => Promise<string>, contentType: string): RequestHandler {
  const expected = token === undefined ? undefined : digest(token)
  return (req, res, next) => {
    if (expected === undefined) return next(new HearthError('not_found', `no route ${req.method} ${req.path}`))
    const sent = /^Bearer (\S+)$/i.exec(req.get('authorization') ?? '')?.[1]
    if (sent === undefined || !timingSafeEqual(digest(sent), expected)) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="hearth-metrics"')
      return next(new HearthError('unauthorized', 'metrics need the metrics token (Authorization: Bearer)'))
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
