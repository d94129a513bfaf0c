import { Router, type Request } from 'express'
import { HearthError, TakeIncidentBodySchema, compareAlertsForQueue, TransferIncidentBodySchema, type Incident, type PersonAccess } from '../../contract/index.js'
import type { Principal } from '../access-policy.js'
import { requires } from '../authenticate.js'
import { personReads } from '../person-reads.js'
import type { UserView } from '../ports.js'
import { validate } from '../validate-input.js'
import type { RouteContext } from './context.js'

/** Those an incident may be handed to: who answer alarms, and who supervise them. */
const HOLDING_ROLES = ['responder', 'supervisor'] as const

const holdsRole = (roles: readonly string[]): boolean => HOLDING_ROLES.some((r) => roles.includes(r))

const principalOfUser = (u: UserView): Principal => ({ id: u.id, username: u.username, displayName: u.displayName, roles: u.roles, organisationId: u.organisationId, personId: u.personId })

/**
 * Hearth extension (PROTOCOL §2c), the call-handling console: all open alerts of one person are one
 * incident, taken (its raised alerts acknowledged, as `POST /api/alerts/{id}/acknowledge` does),
 * handed to a colleague, and released when its last alert is resolved.
 */
export function incidentRoutes(ctx: RouteContext): Router {
  const router = Router()
  const principalOf = (req: Request): Principal => req.principal as Principal
  const heldSince = (ms: number): string => new Date(ms).toISOString()

  /** The person's open alerts, or 404: an incident exists while one is open. */
  const openAlertsOr404 = (personId: string) => {
    const alerts = ctx.alerts.listForPersons('open', [personId], 1000).sort(compareAlertsForQueue)
    if (alerts.length === 0) throw new HearthError('not_found', `no open incident for person ${personId}: they have no open alerts`)
    return alerts
  }

  /** An incident is held by a person on duty, never by an integration's token. */
  const onDuty = (req: Request): Principal => {
    const principal = principalOf(req)
    if (principal.viaToken) throw new HearthError('forbidden', 'incidents are held by people signed in, not by an integration')
    return principal
  }

  /** The caller holds the incident; its raised alerts are acknowledged as theirs. */
  const take = (req: Request, personId: string, access: PersonAccess, force: boolean): Incident => {
    const principal = principalOf(req)
    const alerts = openAlertsOr404(personId)
    const holder = ctx.incidents.holderOf(personId)
    const takenFrom = holder && holder.userId !== principal.id ? holder : undefined
    if (takenFrom && !force) {
      throw new HearthError('conflict', `${takenFrom.displayName} holds this incident (since ${heldSince(takenFrom.heldSinceMs)}): ask them, or a supervisor, to hand it on`)
    }
    if (takenFrom && !principal.roles.includes('supervisor')) throw new HearthError('forbidden', 'only a supervisor takes over an incident someone else holds')
    if (!holder || takenFrom) ctx.incidentHolds.hold(personId, principal.id, ctx.clock.now())
    for (const alert of alerts.filter((a) => a.status === 'raised')) {
      ctx.desk.acknowledge(alert.id, principal.username)
      ctx.guard.recordFor(req, access, 'alert.acknowledged', personId, { target: alert.id, scope: 'alerts' })
    }
    const target = takenFrom ? `taken over from ${ctx.users.getIncludingDeleted(takenFrom.userId)?.username ?? takenFrom.userId}` : `${alerts.length} alerts`
    ctx.guard.recordFor(req, access, 'incident.taken', personId, { target, scope: 'alerts' })
    ctx.logger.info({ personId, by: principal.username, takenFrom: takenFrom?.userId }, 'incident taken')
    ctx.onIncidentChanged(personId)
    return ctx.incidents.incidentFor(personId, personReads(principal, access))
  }

  /** Who holds the incident, unless it is someone else and the caller is no supervisor (409, naming them). */
  const heldByOther = (principal: Principal, personId: string, what: string) => {
    const holder = ctx.incidents.holderOf(personId)
    if (holder && holder.userId !== principal.id && !principal.roles.includes('supervisor')) {
      throw new HearthError('conflict', `${holder.displayName} holds this incident: only they, or a supervisor, ${what}`)
    }
    return holder
  }

  /** A colleague of the caller's organisation who answers alarms and may act on this person's alerts; 404 when there is none by that id. */
  const colleagueOr4xx = (principal: Principal, userId: string, personId: string): UserView => {
    const user = ctx.users.get(userId)
    if (!user || user.disabled || user.organisationId !== principal.organisationId) throw new HearthError('not_found', `no colleague ${userId} in your organisation`)
    const why = !holdsRole(user.roles)
      ? `${user.displayName} is not a responder or supervisor`
      : ctx.guard.accessOf(principalOfUser(user), personId)?.canActOnAlerts
        ? undefined
        : `${user.displayName} may not act on this person's alerts`
    if (why) throw new HearthError('validation_failed', `invalid transfer: toUserId: ${why}`, { problems: [{ field: 'toUserId', message: why }] })
    return user
  }

  router.get('/', requires('alerts:read'), (req, res) => {
    const incidents = ctx.incidents.queueFor(principalOf(req))
    ctx.guard.record(req, 'incidents.queue-read', null, { target: `${incidents.length} incidents` })
    res.json({ incidents })
  })

  /** The oldest highest-priority incident nobody holds among those the caller may act on; 204 when there is none. */
  router.post('/take-next', requires('alerts:act'), (req, res) => {
    const principal = onDuty(req)
    const accessMap = ctx.guard.accessMap(principal)
    const next = ctx.incidents.queueFor(principal).find((i) => i.heldBy === null && accessMap.get(i.personId)?.canActOnAlerts === true)
    if (!next) {
      res.status(204).end()
      return
    }
    const access = ctx.guard.check(req, next.personId, 'act-on-alerts')
    res.json(take(req, next.personId, access, false))
  })

  router.post('/:personId/take', requires('alerts:act'), (req, res) => {
    const body = validate(TakeIncidentBodySchema, req.body ?? {}, 'take')
    const personId = req.params.personId as string
    onDuty(req)
    const access = ctx.guard.check(req, personId, 'act-on-alerts')
    res.json(take(req, personId, access, body.force === true))
  })

  router.post('/:personId/transfer', requires('alerts:act'), (req, res) => {
    const body = validate(TransferIncidentBodySchema, req.body, 'transfer')
    const personId = req.params.personId as string
    const principal = onDuty(req)
    const access = ctx.guard.check(req, personId, 'act-on-alerts')
    const alerts = openAlertsOr404(personId)
    const holder = heldByOther(principal, personId, 'hand it on')
    const to = colleagueOr4xx(principal, body.toUserId, personId)
    if (holder?.userId === to.id) throw new HearthError('conflict', `${to.displayName} already holds this incident`)
    ctx.incidentHolds.hold(personId, to.id, ctx.clock.now())
    // The hand-over goes on the record of the incident's first alert, so the person's timeline shows it.
    const first = alerts[0]
    if (first) ctx.desk.addNote(first.id, principal.username, `Incident handed to ${to.displayName}${body.note ? `: ${body.note}` : ''}`)
    ctx.guard.recordFor(req, access, 'incident.transferred', personId, { target: `to ${to.username}`, scope: 'alerts' })
    ctx.logger.info({ personId, by: principal.username, to: to.username }, 'incident transferred')
    ctx.onIncidentChanged(personId)
    res.json(ctx.incidents.incidentFor(personId, personReads(principal, access)))
  })

  /**
   * Whom the caller may hand this person's incident to: colleagues of their organisation who answer
   * alarms (responders and supervisors) and may act on the person's alerts; the caller and the
   * incident's holder left out.
   */
  router.get('/:personId/colleagues', requires('alerts:act'), (req, res) => {
    const personId = req.params.personId as string
    const principal = onDuty(req)
    ctx.guard.check(req, personId, 'act-on-alerts')
    const holder = ctx.incidents.holderOf(personId)
    const colleagues = ctx.users
      .listOfOrganisation(principal.organisationId)
      .filter((u) => u.id !== principal.id && u.id !== holder?.userId && !u.disabled && holdsRole(u.roles) && ctx.guard.accessOf(principalOfUser(u), personId)?.canActOnAlerts === true)
      .map((u) => ({ userId: u.id, displayName: u.displayName, supervisor: u.roles.includes('supervisor') }))
      .sort((a, b) => Number(b.supervisor) - Number(a.supervisor) || a.displayName.localeCompare(b.displayName))
    res.json({ personId, colleagues })
  })

  /** Back to the queue, held by nobody: by its holder (going off shift) or a supervisor. */
  router.post('/:personId/release', requires('alerts:act'), (req, res) => {
    const personId = req.params.personId as string
    const principal = onDuty(req)
    const access = ctx.guard.check(req, personId, 'act-on-alerts')
    openAlertsOr404(personId)
    const holder = heldByOther(principal, personId, 'put it back in the queue')
    if (holder && ctx.incidentHolds.release(personId)) {
      ctx.guard.recordFor(req, access, 'incident.released', personId, { target: `from ${ctx.users.getIncludingDeleted(holder.userId)?.username ?? holder.userId}`, scope: 'alerts' })
      ctx.onIncidentChanged(personId)
    }
    res.json(ctx.incidents.incidentFor(personId, personReads(principal, access)))
  })

  return router
}
