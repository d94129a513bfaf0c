import { Router, type Request } from 'express'
import { ALERT_KINDS, AlertListQuerySchema, AlertNoteBodySchema, HearthError, ResolveBodySchema, compareAlertsForQueue, type Alert } from '../../contract/index.js'
import type { Principal } from '../access-policy.js'
import { alertFor, historyFor } from '../alert-view.js'
import { personReads, type PersonReads } from '../person-reads.js'
import { requires } from '../authenticate.js'
import { validate } from '../validate-input.js'
import type { RouteContext } from './context.js'

/** Far beyond any alarm receiving centre's open alerts; a bound so one answer stays a sane size. */
const MAX_OPEN_ALERTS = 50_000

export function alertRoutes(ctx: RouteContext): Router {
  const router = Router()

  /** The alerts of the people whose alerts the caller may see, each as the caller may see it. */
  const listFor = (principal: Principal, status: 'open' | 'resolved' | 'all', limit: number): Alert[] => {
    const reads = new Map([...ctx.guard.accessMap(principal)].map(([id, access]) => [id, personReads(principal, access)]))
    const ids = [...reads].filter(([, r]) => r.alerts).map(([id]) => id)
    return ctx.alerts.listForPersons(status, ids, limit).map((alert) => alertFor(alert, reads.get(alert.personId) as PersonReads, ctx.wishes))
  }
  const principalOf = (req: Request): Principal => req.principal as Principal

  /** An alert about someone outside the caller's circles does not exist for them. */
  const alertOr404 = (req: Request): Alert => {
    const alert = ctx.alerts.get(req.params.id as string)
    if (!alert || !ctx.guard.accessOf(req.principal, alert.personId)) throw new HearthError('not_found', `no alert ${req.params.id as string}`)
    return alert
  }

  router.get('/', requires('alerts:read'), (req, res) => {
    const q = validate(AlertListQuerySchema, req.query, 'alert query')
    const alerts = listFor(req.principal as Principal, q.status, q.limit)
    ctx.guard.record(req, 'alerts.listed', null, { target: `${alerts.length} alerts` })
    res.json({ alerts })
  })

  /** The responder's queue: the open alerts of the people their organisation monitors, emergencies first, oldest first within a priority. */
  router.get('/queue', requires('alerts:read'), (req, res) => {
    // Every open alert: the oldest are the most overdue, so none is cut off.
    const alerts = listFor(req.principal as Principal, 'open', MAX_OPEN_ALERTS).sort(compareAlertsForQueue)
    ctx.guard.record(req, 'alerts.queue-read', null, { target: `${alerts.length} alerts` })
    res.json({ alerts })
  })

  /** Every kind of alert Hearth raises, with its priority, its label and whether the 60 s answer clock applies. */
  router.get('/kinds', requires('alerts:read'), (_req, res) => {
    res.json({ kinds: ALERT_KINDS })
  })

  router.get('/:id', (req, res) => {
    const alert = alertOr404(req)
    const reads = personReads(principalOf(req), ctx.guard.require(req, alert.personId, 'alerts', 'alert.read', { target: alert.id }))
    res.json({ ...alertFor(alert, reads, ctx.wishes), history: historyFor(ctx.alerts.history(alert.id), reads) })
  })

  router.post('/:id/acknowledge', requires('alerts:act'), (req, res) => {
    const alert = alertOr404(req)
    const access = ctx.guard.check(req, alert.personId, 'act-on-alerts')
    const acknowledged = ctx.desk.acknowledge(alert.id, req.principal?.username ?? 'unknown')
    ctx.guard.recordFor(req, access, 'alert.acknowledged', alert.personId, { target: alert.id, scope: 'alerts' })
    res.json(alertFor(acknowledged, personReads(principalOf(req), access), ctx.wishes))
  })

  router.post('/:id/resolve', requires('alerts:act'), (req, res) => {
    const body = validate(ResolveBodySchema, req.body, 'resolution')
    const alert = alertOr404(req)
    const access = ctx.guard.check(req, alert.personId, 'act-on-alerts')
    const resolved = ctx.desk.resolve(alert.id, req.principal?.username ?? 'unknown', body.outcome, body.note)
    ctx.guard.recordFor(req, access, 'alert.resolved', alert.personId, { target: alert.id, scope: 'alerts' })
    res.json(alertFor(resolved, personReads(principalOf(req), access), ctx.wishes))
  })

  router.post('/:id/notes', requires('alerts:act'), (req, res) => {
    const body = validate(AlertNoteBodySchema, req.body, 'note')
    const alert = alertOr404(req)
    const access = ctx.guard.check(req, alert.personId, 'act-on-alerts')
    const noted = ctx.desk.addNote(alert.id, req.principal?.username ?? 'unknown', body.text)
    ctx.guard.recordFor(req, access, 'alert.noted', alert.personId, { target: alert.id, scope: 'alerts' })
    // The note shows on the incident's card at every console.
    ctx.onIncidentChanged(alert.personId)
    res.status(201).json({ ...noted, alert: alertFor(noted.alert, personReads(principalOf(req), access), ctx.wishes) })
  })

  return router
}
