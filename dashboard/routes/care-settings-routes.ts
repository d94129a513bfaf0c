import { Router, type Request } from 'express'
import { ABSENCE_DAYS_WITHOUT_SUPERVISOR, AbsenceBodySchema, HearthError, PatchCareSettingsBodySchema, PutThresholdsBodySchema } from '../../contract/index.js'
import type { Principal } from '../access-policy.js'
import { requires } from '../authenticate.js'
import { personReads } from '../person-reads.js'
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
  const idOf = (req: Request): string => req.params.id as string

  router.get('/:id/thresholds', (req, res) => {
    ctx.guard.require(req, idOf(req), 'care-settings', 'thresholds.read')
    res.json(thresholdsView(planOr404(idOf(req))))
  })

  router.put('/:id/thresholds', requires('care:write'), (req, res) => {
    const access = ctx.guard.check(req, idOf(req), 'edit-care-settings')
    const before = planOr404(idOf(req))
    const body = validate(PutThresholdsBodySchema, req.body, 'thresholds')
    const by = callerOf(req)
    const plan = ctx.careSettings.replaceThresholds(before.personId, body.thresholds, body.reason, by, ctx.clock.now())
    const what = plan.version === before.version ? 'thresholds unchanged: no new version' : 'thresholds replaced'
    ctx.guard.recordFor(req, access, 'thresholds.changed', plan.personId, { target: `version ${plan.version}` })
    ctx.logger.info({ personId: plan.personId, version: plan.version, by }, what)
    res.json(thresholdsView(plan))
  })

  router.get('/:id/settings', (req, res) => {
    ctx.guard.require(req, idOf(req), 'care-settings', 'care-settings.read')
    res.json(settingsView(planOr404(idOf(req))))
  })

  router.patch('/:id/settings', requires('care:write'), (req, res) => {
    const access = ctx.guard.check(req, idOf(req), 'edit-care-settings')
    const { personId } = planOr404(idOf(req))
    const { reason, ...patch } = validate(PatchCareSettingsBodySchema, req.body, 'settings')
    const by = callerOf(req)
    const plan = ctx.careSettings.patchSettings(personId, patch, reason, by, ctx.clock.now())
    ctx.guard.recordFor(req, access, 'care-settings.changed', personId, { target: `version ${plan.version}` })
    ctx.logger.info({ personId, version: plan.version, by }, 'care settings changed')
    res.json(settingsView(plan))
  })

  router.get('/:id/settings/history', (req, res) => {
    ctx.guard.require(req, idOf(req), 'care-settings', 'care-settings.history-read')
    res.json({ personId: idOf(req), versions: ctx.careSettings.history(idOf(req), HISTORY_LIMIT) })
  })

  router.post('/:id/absences', (req, res) => {
    const access = ctx.guard.check(req, idOf(req), 'absences:write')
    const body = validate(AbsenceBodySchema, req.body, 'absence')
    const days = (body.toMs - body.fromMs) / 86_400_000
    const supervises = req.principal?.roles.some((role) => role === 'supervisor' || role === 'admin' || role === 'org-admin') === true
    if (days > ABSENCE_DAYS_WITHOUT_SUPERVISOR && !supervises) {
      // Answered beside the date, as any other problem with it: the planner sees why and what to do.
      const message = `longer than ${ABSENCE_DAYS_WITHOUT_SUPERVISOR} days silences monitoring for long: a supervisor plans it (this one is ${Math.ceil(days)} days)`
      throw new HearthError('validation_failed', `invalid absence: to: ${message}`, { problems: [{ field: 'to', message }] })
    }
    const by = callerOf(req)
    const absence = ctx.absences.add(idOf(req), body, by, ctx.clock.now())
    ctx.guard.recordFor(req, access, 'absence.planned', idOf(req), { target: absence.id })
    ctx.onAbsenceChanged(absence)
    ctx.logger.info({ personId: idOf(req), absenceId: absence.id, by }, 'absence planned')
    res.status(201).json(absence)
  })

  /** Absences say where the person is (in hospital, away): for those who follow their care settings or plan absences. */
  router.get('/:id/absences', (req, res) => {
    const access = ctx.guard.check(req, idOf(req), 'member')
    if (!personReads(req.principal as Principal, access).absences) {
      // The guard records the refusal, so the person sees who tried.
      ctx.guard.check(req, idOf(req), 'care-settings')
      throw new HearthError('forbidden', "a person's absences are for those who follow their care settings or plan absences")
    }
    ctx.guard.recordFor(req, access, 'absences.read', idOf(req))
    res.json({ absences: ctx.absences.list(idOf(req)) })
  })

  router.post('/:id/absences/:absenceId/end', (req, res) => {
    const access = ctx.guard.check(req, idOf(req), 'absences:write')
    const by = callerOf(req)
    const absence = ctx.absences.end(idOf(req), req.params.absenceId, by, ctx.clock.now())
    ctx.guard.recordFor(req, access, 'absence.ended', idOf(req), { target: absence.id })
    ctx.onAbsenceChanged(absence)
    ctx.logger.info({ personId: idOf(req), absenceId: absence.id, by }, 'absence ended')
    res.json(absence)
  })

  return router
}
