import { Router } from 'express'
import { requires } from '../authenticate.js'
import type { Principal } from '../access-policy.js'
import { followsAlerts, silencedNotice } from '../silenced-notices.js'
import type { RouteContext } from './context.js'

/**
 * Planned absences across the people the caller follows: the responders' queue shows whose
 * welfare monitoring is silenced now (a person's own absences are under /persons/{id}/absences).
 */
export function absenceRoutes(ctx: RouteContext): Router {
  const router = Router()

  router.get('/in-force', requires('alerts:read'), (req, res) => {
    const access = ctx.guard.accessMap(req.principal as Principal)
    const notices = ctx.absences.inForceAt(ctx.clock.now()).flatMap((absence) => {
      const seen = access.get(absence.personId)
      return seen && followsAlerts(seen) ? [silencedNotice(absence, ctx.people.get(absence.personId)?.name ?? absence.personId, seen)] : []
    })
    ctx.guard.record(req, 'absences.in-force-read', null, { target: `${notices.length} absences` })
    res.json({ silenced: notices })
  })

  return router
}
