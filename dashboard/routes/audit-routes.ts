import { Router, type Request } from 'express'
import { HearthError } from '../../contract/index.js'
import { requires, requiresPerson } from '../authenticate.js'
import type { RouteContext } from './context.js'
import { breakGlassView } from './circle-routes.js'

const BREAK_GLASS_LOOKBACK_MS = 7 * 86_400_000

/** Accountability: the audit chain's check, emergency accesses for the circles' admins, and integrations' tokens. */
export function auditRoutes(ctx: RouteContext): Router {
  const router = Router()

  /** PROTOCOL §2b: checks the audit chain and names the first entry altered or removed. */
  router.post('/audit/verify', requires('audit:verify'), async (req, res) => {
    const result = await ctx.verifyAudit()
    ctx.guard.record(req, 'audit.verified', null, { target: result.ok ? `intact: ${result.entries}` : `broken at ${result.firstBadEntry.seq}` })
    if (!result.ok) ctx.logger.error({ firstBadEntry: result.firstBadEntry }, 'audit chain broken')
    res.json(result)
  })

  /** Emergency accesses of the last 7 days to the people the caller answers for (circle admins) or is. */
  router.get('/break-glass', (req, res) => {
    const principal = req.principal
    if (!principal) throw new HearthError('unauthorized', 'sign in first')
    const since = ctx.clock.now() - BREAK_GLASS_LOOKBACK_MS
    const grants = ctx.breakGlass.since(since).filter((g) => {
      const access = ctx.guard.accessOf(principal, g.personId)
      return access !== undefined && (access.circleAdmin || access.basis === 'self')
    })
    ctx.guard.record(req, 'break-glass.listed', null, { target: `${grants.length} emergency accesses` })
    res.json({ grants: grants.map((g) => breakGlassView(ctx, g, ctx.people.get(g.personId)?.name ?? g.personId)) })
  })

  /** PROTOCOL §2b: API tokens, never their secrets. */
  router.get('/tokens', requiresPerson('tokens:manage'), (_req, res) => {
    res.json({ tokens: ctx.users.listTokens() })
  })

  router.delete('/tokens/:id', requiresPerson('tokens:manage'), (req: Request, res) => {
    const id = req.params.id as string
    if (!ctx.users.revokeToken(id, ctx.clock.now())) throw new HearthError('not_found', `no token ${id} in force`)
    // Its live connections end with it.
    ctx.onUserChanged(id)
    ctx.guard.record(req, 'token.revoked', null, { target: id })
    ctx.logger.info({ tokenId: id, by: req.principal?.username }, 'api token revoked')
    res.status(204).end()
  })

  return router
}
