import { Router, type Request } from 'express'
import { HearthError, LogCallBodySchema, nextStepIndex, type Alert, type AlertCall, type NextStep } from '../../contract/index.js'
import type { Principal } from '../access-policy.js'
import { requires } from '../authenticate.js'
import { personReads, type PersonReads } from '../person-reads.js'
import { validate } from '../validate-input.js'
import type { RouteContext } from './context.js'

/**
 * PROTOCOL §2c: the call console. A responder logs each call made from the person's response plan
 * against the plan version in force, and is told whom to try next. Calls about a resolved alert
 * are still logged, for the record (ringing the daughter to say how it ended); no next step is
 * offered then.
 */
export function callRoutes(ctx: RouteContext): Router {
  const router = Router()

  /** An alert about someone outside the caller's circles does not exist for them. */
  const alertOr404 = (req: Request): Alert => {
    const alert = ctx.alerts.get(req.params.id as string)
    if (!alert || !ctx.guard.accessOf(req.principal, alert.personId)) throw new HearthError('not_found', `no alert ${req.params.id as string}`)
    return alert
  }

  /** The step to try next, in the person's time zone now; how to reach them only for those who may read contacts. */
  const nextStepFor = (alert: Alert, calls: readonly AlertCall[], reads: PersonReads): NextStep | null => {
    const plan = ctx.responsePlans.current(alert.personId)
    const timeZone = ctx.people.get(alert.personId)?.timeZone
    if (!plan || !timeZone) return null
    const index = nextStepIndex(plan.steps, calls.filter((c) => c.planVersion === plan.version), alert, ctx.clock.now(), timeZone)
    const step = index === undefined ? undefined : plan.steps[index]
    if (index === undefined || !step) return null
    const reach = reads.contacts ? { phone: step.phone, ...(step.email === undefined ? {} : { email: step.email }) } : {}
    return { index, name: step.name, relationship: step.relationship, ...reach }
  }

  router.post('/:id/calls', requires('alerts:act'), (req, res) => {
    const body = validate(LogCallBodySchema, req.body, 'call')
    const alert = alertOr404(req)
    const access = ctx.guard.check(req, alert.personId, 'act-on-alerts')
    const plan = ctx.responsePlans.current(alert.personId)
    const step = plan?.steps[body.step]
    if (!plan || !step) {
      const message = plan && plan.steps.length > 0 ? `no step ${body.step}: the response plan (version ${plan.version}) has steps 0 to ${plan.steps.length - 1}` : `no step ${body.step}: the person has no response plan`
      throw new HearthError('validation_failed', `invalid call: step: ${message}`, { problems: [{ field: 'step', message }] })
    }
    const principal = req.principal as Principal
    const call = ctx.calls.add(
      {
        alertId: alert.id,
        personId: alert.personId,
        planVersion: plan.version,
        step: body.step,
        name: step.name,
        relationship: step.relationship,
        outcome: body.outcome,
        etaMinutes: body.etaMinutes ?? null,
        note: body.note || null,
        by: principal.username,
        byName: principal.displayName,
      },
      ctx.clock.now(),
    )
    ctx.guard.recordFor(req, access, 'alert.call-logged', alert.personId, { target: alert.id, scope: 'alerts' })
    ctx.logger.info({ alertId: alert.id, planVersion: plan.version, step: body.step, outcome: body.outcome, by: principal.username }, 'call logged')
    res.status(201).json({ call, nextStep: nextStepFor(alert, ctx.calls.forAlert(alert.id), personReads(principal, access)) })
  })

  router.get('/:id/calls', (req, res) => {
    const alert = alertOr404(req)
    const access = ctx.guard.require(req, alert.personId, 'alerts', 'alert.calls-read', { target: alert.id })
    const calls = ctx.calls.forAlert(alert.id)
    res.json({ alertId: alert.id, planVersion: ctx.responsePlans.current(alert.personId)?.version ?? 0, calls, nextStep: nextStepFor(alert, calls, personReads(req.principal as Principal, access)) })
  })

  return router
}
