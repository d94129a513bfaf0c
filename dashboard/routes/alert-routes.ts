import { Router } from 'express'
import { AlertListQuerySchema, AlertNoteBodySchema, HearthError, ResolveBodySchema, compareAlertsForQueue } from '../../contract/index.js'
import { requires } from '../authenticate.js'
import { validate } from '../validate-input.js'
import type { RouteContext } from './context.js'

/** Far beyond any alarm receiving centre's open alerts; a bound so one answer stays a sane size. */
const MAX_OPEN_ALERTS = 50_000

export function alertRoutes(ctx: RouteContext): Router {
  const router = Router()

  router.get('/', requires('alerts:read'), (req, res) => {
    const q = validate(AlertListQuerySchema, req.query, 'alert query')
    res.json({ alerts: ctx.alerts.list(q.status, q.limit) })
  })

  /** The responder's queue: open alerts, emergencies first, oldest first within a priority. */
  router.get('/queue', requires('alerts:read'), (_req, res) => {
    // Every open alert: the oldest are the most overdue, so none is cut off.
    res.json({ alerts: ctx.alerts.list('open', MAX_OPEN_ALERTS).sort(compareAlertsForQueue) })
  })

  router.get('/:id', requires('alerts:read'), (req, res) => {
    const alert = ctx.alerts.get(req.params.id as string)
    if (!alert) throw new HearthError('not_found', `no alert ${req.params.id as string}`)
    res.json({ ...alert, history: ctx.alerts.history(alert.id) })
  })

  router.post('/:id/acknowledge', requires('alerts:act'), (req, res) => {
    const by = req.principal?.username ?? 'unknown'
    res.json(ctx.desk.acknowledge(req.params.id as string, by))
  })

  router.post('/:id/resolve', requires('alerts:act'), (req, res) => {
    const body = validate(ResolveBodySchema, req.body, 'resolution')
    const by = req.principal?.username ?? 'unknown'
    res.json(ctx.desk.resolve(req.params.id as string, by, body.outcome, body.note))
  })

  router.post('/:id/notes', requires('alerts:act'), (req, res) => {
    const body = validate(AlertNoteBodySchema, req.body, 'note')
    const by = req.principal?.username ?? 'unknown'
    res.status(201).json(ctx.desk.addNote(req.params.id as string, by, body.text))
  })

  return router
}
