import { Router, type Request } from 'express'
import { AbsenceBodySchema, HearthError, PatchCareSettingsBodySchema, PutThresholdsBodySchema } from '../../contract/index.js'
import { requires } from '../authenticate.js'
import type { CarePlanView } from '../ports.js'
import { validate } from '../validate-input.js'
import type { RouteContext } from './context.js'

/** The most versions one history answer holds. */
const HISTORY_LIMIT = 500

const thresholdsView = (plan: CarePlanView) => ({
  personId: plan.personId,
  version: plan.version,
  news2Scale: plan.settings.news2Scale,
  thresholds: plan.thresholds,
})

const settingsView = (plan: CarePlanView) => ({ personId: plan.personId, version: plan.version, settings: plan.settings })

const callerOf = (req: Request): string => req.principal?.username ?? 'unknown'

/**
 * PROTOCOL §2: a person's thresholds, settings and planned absences. Changes are logged by who and
 * which version, never by value: these are health data.
 */
export function careSettingsRoutes(ctx: RouteContext): Router {
  const router = Router()

  const planOr404 = (personId: string): CarePlanView => {
    const plan = ctx.careSettings.current(personId)
    if (!plan) throw new HearthError('not_found', `no person ${personId}`)
    return plan
  }

  const personOr404 = (personId: string): string => {
    if (!ctx.people.get(personId)) throw new HearthError('not_found', `no person ${personId}`)
    return personId
  }

  router.get('/:id/thresholds', requires('care:read'), (req, res) => {
    res.json(thresholdsView(planOr404(req.params.id as string)))
  })

  router.put('/:id/thresholds', requires('care:write'), (req, res) => {
    const before = planOr404(req.params.id as string)
    const body = validate(PutThresholdsBodySchema, req.body, 'thresholds')
    const by = callerOf(req)
    const plan = ctx.careSettings.replaceThresholds(before.personId, body.thresholds, body.reason, by, ctx.clock.now())
    const what = plan.version === before.version ? 'thresholds unchanged: no new version' : 'thresholds replaced'
    ctx.logger.info({ personId: plan.personId, version: plan.version, by }, what)
    res.json(thresholdsView(plan))
  })

  router.get('/:id/settings', requires('care:read'), (req, res) => {
    res.json(settingsView(planOr404(req.params.id as string)))
  })

  router.patch('/:id/settings', requires('care:write'), (req, res) => {
    const { personId } = planOr404(req.params.id as string)
    const { reason, ...patch } = validate(PatchCareSettingsBodySchema, req.body, 'settings')
    const by = callerOf(req)
    const plan = ctx.careSettings.patchSettings(personId, patch, reason, by, ctx.clock.now())
    ctx.logger.info({ personId, version: plan.version, by }, 'care settings changed')
    res.json(settingsView(plan))
  })

  router.get('/:id/settings/history', requires('care:read'), (req, res) => {
    const personId = personOr404(req.params.id as string)
    res.json({ personId, versions: ctx.careSettings.history(personId, HISTORY_LIMIT) })
  })

  router.post('/:id/absences', requires('absences:write'), (req, res) => {
    const personId = personOr404(req.params.id as string)
    const body = validate(AbsenceBodySchema, req.body, 'absence')
    const by = callerOf(req)
    const absence = ctx.absences.add(personId, body, by, ctx.clock.now())
    ctx.logger.info({ personId, absenceId: absence.id, by }, 'absence planned')
    res.status(201).json(absence)
  })

  router.get('/:id/absences', requires('care:read'), (req, res) => {
    res.json({ absences: ctx.absences.list(personOr404(req.params.id as string)) })
  })

  router.post('/:id/absences/:absenceId/end', requires('absences:write'), (req, res) => {
    const personId = personOr404(req.params.id as string)
    const by = callerOf(req)
    const absence = ctx.absences.end(personId, req.params.absenceId as string, by, ctx.clock.now())
    ctx.logger.info({ personId, absenceId: absence.id, by }, 'absence ended')
    res.json(absence)
  })

  return router
}
