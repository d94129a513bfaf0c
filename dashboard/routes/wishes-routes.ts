import { Router, type Request } from 'express'
import {
  HearthError,
  NO_WISHES,
  PutResponsePlanBodySchema,
  PutWishesBodySchema,
  activeHoursInForce,
  isFamily,
  type PersonAccess,
  type ResponsePlanVersion,
  type WishesVersion,
} from '../../contract/index.js'
import type { Principal } from '../access-policy.js'
import { meets, type Need } from '../person-guard.js'
import { personReads, type PersonReads } from '../person-reads.js'
import { validate } from '../validate-input.js'
import type { RouteContext } from './context.js'

/** The most versions one history answer holds. */
const HISTORY_LIMIT = 500

const callerOf = (req: Request): string => req.principal?.username ?? 'unknown'

/**
 * PROTOCOL §2c: what matters to the person ("what matters to me") and their response plan, each a
 * new version on every change. Who reads and writes them is decided in person-reads.ts and
 * person-guard.ts; the contents are logged by version, never by value.
 */
export function wishesRoutes(ctx: RouteContext): Router {
  const router = Router()
  const idOf = (req: Request): string => req.params.id as string

  /** A member whose reads do not include `read` is refused, and the refusal recorded with the scope it needs. */
  const reading = (req: Request, read: keyof PersonReads, scope: Need, why: string): PersonAccess => {
    const access = ctx.guard.check(req, idOf(req), 'member')
    if (!personReads(req.principal as Principal, access)[read]) {
      ctx.guard.check(req, idOf(req), scope)
      throw new HearthError('forbidden', why)
    }
    return access
  }
  const readingWishes = (req: Request) => reading(req, 'wishes', 'timeline', 'what matters to the person is for those who follow their timeline or care settings')

  const none = (personId: string): WishesVersion => ({ ...NO_WISHES, personId, version: 0, changedAt: null, changedBy: null, reason: null })
  /** The wishes, with the active hours they lead to (a clinician's setting wins over the routine). */
  const wishesView = (wishes: WishesVersion, access: PersonAccess) => {
    const plan = ctx.careSettings.current(wishes.personId)
    if (!plan) throw new HearthError('not_found', `no person ${wishes.personId}`)
    return { ...wishes, activeHours: activeHoursInForce(plan.settings, plan.activeHoursSet, wishes.routine), canEdit: meets(access, 'edit-wishes') }
  }
  const planView = (plan: ResponsePlanVersion, access: PersonAccess) => ({
    ...plan,
    steps: plan.steps.map((step) => ({ ...step, family: isFamily(step) })),
    canEdit: meets(access, 'edit-response-plan'),
  })
  const noPlan = (personId: string): ResponsePlanVersion => ({ personId, version: 0, steps: [], changedAt: null, changedBy: null, reason: null })

  router.get('/:id/wishes', (req, res) => {
    const access = readingWishes(req)
    ctx.guard.recordFor(req, access, 'wishes.read', idOf(req), { scope: 'timeline' })
    res.json(wishesView(ctx.wishes.current(idOf(req)) ?? none(idOf(req)), access))
  })

  router.get('/:id/wishes/history', (req, res) => {
    const access = readingWishes(req)
    ctx.guard.recordFor(req, access, 'wishes.history-read', idOf(req), { scope: 'timeline' })
    res.json({ personId: idOf(req), versions: ctx.wishes.history(idOf(req), HISTORY_LIMIT) })
  })

  router.put('/:id/wishes', (req, res) => {
    const access = ctx.guard.check(req, idOf(req), 'edit-wishes')
    const { wishes, reason } = validate(PutWishesBodySchema, req.body, 'wishes')
    const by = callerOf(req)
    const saved = ctx.wishes.save(idOf(req), wishes, reason, by, ctx.clock.now())
    ctx.guard.recordFor(req, access, 'wishes.changed', saved.personId, { target: `version ${saved.version}`, scope: 'care-settings' })
    ctx.logger.info({ personId: saved.personId, version: saved.version, by }, 'what matters to the person changed')
    res.json(wishesView(saved, access))
  })

  const readingPlan = (req: Request) => reading(req, 'responsePlan', 'contacts', 'the response plan holds contact details: for those who may call the person’s contacts')

  router.get('/:id/response-plan', (req, res) => {
    const access = readingPlan(req)
    ctx.guard.recordFor(req, access, 'response-plan.read', idOf(req), { scope: 'contacts' })
    res.json(planView(ctx.responsePlans.current(idOf(req)) ?? noPlan(idOf(req)), access))
  })

  router.get('/:id/response-plan/history', (req, res) => {
    const access = readingPlan(req)
    ctx.guard.recordFor(req, access, 'response-plan.history-read', idOf(req), { scope: 'contacts' })
    res.json({ personId: idOf(req), versions: ctx.responsePlans.history(idOf(req), HISTORY_LIMIT) })
  })

  router.put('/:id/response-plan', (req, res) => {
    const access = ctx.guard.check(req, idOf(req), 'edit-response-plan')
    const body = validate(PutResponsePlanBodySchema, req.body, 'response plan')
    const by = callerOf(req)
    const saved = ctx.responsePlans.save(idOf(req), body.steps, body.reason, by, ctx.clock.now())
    ctx.guard.recordFor(req, access, 'response-plan.changed', saved.personId, { target: `version ${saved.version}`, scope: 'care-settings' })
    ctx.logger.info({ personId: saved.personId, version: saved.version, steps: saved.steps.length, by }, 'response plan changed')
    res.json(planView(saved, access))
  })

  return router
}
