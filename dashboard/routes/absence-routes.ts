import { Router } from 'express'
import { requires } from '../authenticate.js'
import type { Principal } from '../access-policy.js'
import { personReads } from '../person-reads.js'
import { followsAlerts, silencedNotice } from '../silenced-notices.js'
import type { RouteContext } from './context.js'

/**
 * Planned absences across the people the caller follows: the responders' queue shows whose
 * welfare monitoring is silenced now (a person's own absences are under /persons/{id}/absences).
 */
export function absenceRoutes(ctx: RouteContext): Router {
  const router = Router()

  router.get('/in-force', requires('alerts:read'), (req, res) => {
    const principal = req.principal as Principal
    const access = ctx.guard.accessMap(principal)
    const notices = ctx.absences.inForceAt(ctx.clock.now()).flatMap((absence) => {
      const seen = access.get(absence.personId)
      const reads = seen && personReads(principal, seen)
      return reads && followsAlerts(reads) ? [silencedNotice(absence, ctx.people.get(absence.personId)?.name ?? absence.personId, reads)] : []
    })
    ctx.guard.record(req, 'absences.in-force-read', null, { target: `${notices.length} absences` })
    res.json({ silenced: notices })
  })

  return router
}
