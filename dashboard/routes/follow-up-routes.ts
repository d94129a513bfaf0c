import { Router, type Request } from 'express'
import {
  AttendanceBodySchema,
  FOLLOW_UP_MAX_MS,
  FOLLOW_UP_MIN_MS,
  FollowUpBodySchema,
  HearthError,
  ScriptAnswersBodySchema,
  type Alert,
  type FollowUpBody,
} from '../../contract/index.js'
import type { Principal } from '../access-policy.js'
import { requires } from '../authenticate.js'
import { validate } from '../validate-input.js'
import { followUpDueText } from '../follow-up-text.js'
import type { RouteContext } from './context.js'

/** When the follow-up falls due, or a 400 when that is not 1 minute to 7 days ahead. */
function dueAtOf(body: FollowUpBody, nowMs: number): number {
  const dueAtMs = body.inMinutes !== undefined ? nowMs + body.inMinutes * 60_000 : Date.parse(body.dueAt as string)
  const ahead = dueAtMs - nowMs
  if (ahead < FOLLOW_UP_MIN_MS || ahead > FOLLOW_UP_MAX_MS) {
    const message = 'a follow-up is due 1 minute to 7 days ahead'
    throw new HearthError('validation_failed', `invalid follow-up: dueAt: ${message}`, { problems: [{ field: 'dueAt', message }] })
  }
  return dueAtMs
}

/**
 * Hearth extension to PROTOCOL §2c, on an alert: follow-ups ("call back in 2 hours to check",
 * raised as a `follow-up.due` alert at its time by alerting), a mobile responder's attendance,
 * and the answers to the call script. Each is written in the alert's log, and so on the person's
 * timeline.
 */
export function followUpRoutes(ctx: RouteContext): Router {
  const router = Router()

  /** An alert about someone outside the caller's circles does not exist for them. */
  const alertOr404 = (req: Request): Alert => {
    const alert = ctx.alerts.get(req.params.id as string)
    if (!alert || !ctx.guard.accessOf(req.principal, alert.personId)) throw new HearthError('not_found', `no alert ${req.params.id as string}`)
    return alert
  }

  router.post('/:id/follow-ups', requires('alerts:act'), (req, res) => {
    const body = validate(FollowUpBodySchema, req.body, 'follow-up')
    const alert = alertOr404(req)
    const access = ctx.guard.check(req, alert.personId, 'act-on-alerts')
    const principal = req.principal as Principal
    const nowMs = ctx.clock.now()
    const dueAtMs = dueAtOf(body, nowMs)
    const followUp = ctx.transaction(() => {
      // An archived person is out of monitoring: no call is raised for them (archiving cancels those set before).
      if (ctx.people.get(alert.personId)?.archivedAt) throw new HearthError('conflict', `person ${alert.personId} is archived: unarchive them before setting a follow-up`)
      const made = ctx.followUps.add({ alertId: alert.id, personId: alert.personId, dueAtMs, note: body.note, by: principal.username }, nowMs)
      ctx.desk.addNote(alert.id, principal.username, `follow-up due ${followUpDueText(made.dueAt, ctx.people.get(alert.personId)?.timeZone)}: ${made.note}`, 'follow-up')
      return made
    })
    ctx.guard.recordFor(req, access, 'alert.follow-up-set', alert.personId, { target: alert.id, scope: 'alerts' })
    ctx.logger.info({ alertId: alert.id, followUpId: followUp.id, dueAt: followUp.dueAt, by: principal.username }, 'follow-up set')
    res.status(201).json(followUp)
  })

  router.get('/:id/follow-ups', (req, res) => {
    const alert = alertOr404(req)
    ctx.guard.require(req, alert.personId, 'alerts', 'alert.follow-ups-read', { target: alert.id })
    res.json({ alertId: alert.id, followUps: ctx.followUps.forAlert(alert.id) })
  })

  router.post('/:id/attendance', requires('alerts:act'), (req, res) => {
    const body = validate(AttendanceBodySchema, req.body, 'attendance')
    const alert = alertOr404(req)
    const access = ctx.guard.check(req, alert.personId, 'act-on-alerts')
    const principal = req.principal as Principal
    const responder = body.by ?? principal.displayName
    const attendance = ctx.transaction(() => {
      const made = ctx.attendance.add({ alertId: alert.id, personId: alert.personId, event: body.event, responder, note: body.note || null, recordedBy: principal.username }, ctx.clock.now())
      const what = body.event === 'arrived' ? `${responder} arrived` : `${responder} cleared`
      ctx.desk.addNote(alert.id, principal.username, body.note ? `${what}: ${body.note}` : what, 'attendance')
      return made
    })
    ctx.guard.recordFor(req, access, `alert.attendance-${body.event}`, alert.personId, { target: alert.id, scope: 'alerts' })
    res.status(201).json(attendance)
  })

  router.get('/:id/attendance', (req, res) => {
    const alert = alertOr404(req)
    ctx.guard.require(req, alert.personId, 'alerts', 'alert.attendance-read', { target: alert.id })
    res.json({ alertId: alert.id, attendance: ctx.attendance.forAlert(alert.id) })
  })

  router.post('/:id/script-answers', requires('alerts:act'), (req, res) => {
    const body = validate(ScriptAnswersBodySchema, req.body, 'script answers')
    const alert = alertOr404(req)
    const access = ctx.guard.check(req, alert.personId, 'act-on-alerts')
    const principal = req.principal as Principal
    const script = ctx.callScripts.current(alert.kind)
    const text = body.answers.map((a) => `${a.question} ${a.answer}`).join(' / ')
    const noted = ctx.desk.addNote(alert.id, principal.username, script ? `call script v${script.version}: ${text}` : text, 'script-answers')
    ctx.guard.recordFor(req, access, 'alert.script-answered', alert.personId, { target: alert.id, scope: 'alerts' })
    res.status(201).json({ alertId: alert.id, scriptVersion: script?.version ?? null, answers: body.answers, entry: noted.entry })
  })

  return router
}

/** `DELETE /api/follow-ups/{id}`: cancels one not yet due; 409 once it was raised or cancelled. */
export function followUpCancelRoutes(ctx: RouteContext): Router {
  const router = Router()
  router.delete('/:id', requires('alerts:act'), (req, res) => {
    const id = req.params.id as string
    const followUp = ctx.followUps.get(id)
    if (!followUp || !ctx.guard.accessOf(req.principal, followUp.personId)) throw new HearthError('not_found', `no follow-up ${id}`)
    const access = ctx.guard.check(req, followUp.personId, 'act-on-alerts')
    const principal = req.principal as Principal
    if (followUp.status === 'pending' && Date.parse(followUp.dueAt) <= ctx.clock.now()) throw new HearthError('conflict', `follow-up ${id} is due already`)
    const cancelled = ctx.transaction(() => {
      if (!ctx.followUps.cancel(id, principal.username, ctx.clock.now())) return false
      ctx.desk.addNote(followUp.alertId, principal.username, `follow-up due ${followUpDueText(followUp.dueAt, ctx.people.get(followUp.personId)?.timeZone)} cancelled: ${followUp.note}`, 'follow-up')
      return true
    })
    if (!cancelled) throw new HearthError('conflict', `follow-up ${id} is ${ctx.followUps.get(id)?.status ?? 'gone'}`)
    ctx.guard.recordFor(req, access, 'alert.follow-up-cancelled', followUp.personId, { target: followUp.alertId, scope: 'alerts' })
    res.json(ctx.followUps.get(id))
  })
  return router
}
