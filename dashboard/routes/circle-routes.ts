import { Router, type Request } from 'express'
import {
  AddMemberBodySchema,
  BREAK_GLASS_MS,
  BREAK_GLASS_ORGANISATION_KINDS,
  BreakGlassBodySchema,
  HearthError,
  WithdrawConsentBodySchema,
  type AccessLogEntry,
  type BreakGlassGrant,
  type CircleMembership,
} from '../../contract/index.js'
import { requires } from '../authenticate.js'
import type { AuditRecordView, BreakGlassRecord } from '../ports.js'
import { validate } from '../validate-input.js'
import { ALARM_KINDS } from './figures-routes.js'
import { primaryRole, type RouteContext } from './context.js'

const ACCESS_LOG_LIMIT = 1000

/** PROTOCOL §2b: a person's circle of care, consent, emergency access and who looked. */
export function circleRoutes(ctx: RouteContext): Router {
  const router = Router()
  const idOf = (req: Request): string => req.params.id as string
  const callerOf = (req: Request): string => req.principal?.username ?? 'unknown'

  const membershipOf = (personId: string, membershipId: string): CircleMembership => {
    const m = ctx.circles.get(membershipId, ctx.clock.now())
    if (!m || m.personId !== personId) throw new HearthError('not_found', `no membership ${membershipId} in this circle`)
    return m
  }

  router.get('/:id/circle', (req, res) => {
    const access = ctx.guard.accessOf(req.principal, idOf(req))
    // Members see their circle; the platform admin sees it to set it up.
    ctx.guard.require(req, idOf(req), access ? 'member' : 'circle-admin', 'circle.read')
    res.json({ personId: idOf(req), members: ctx.circles.listForPerson(idOf(req), ctx.clock.now()) })
  })

  router.post('/:id/circle', (req, res) => {
    const access = ctx.guard.check(req, idOf(req), 'circle-admin')
    const body = validate(AddMemberBodySchema, req.body, 'membership')
    if (body.organisationId !== undefined && !ctx.organisations.get(body.organisationId)) {
      throw new HearthError('validation_failed', `invalid membership: organisationId: no organisation ${body.organisationId}`, {
        problems: [{ field: 'organisationId', message: `no organisation ${body.organisationId}` }],
      })
    }
    if (body.userId !== undefined && !ctx.users.get(body.userId)) {
      throw new HearthError('validation_failed', `invalid membership: userId: no user ${body.userId}`, {
        problems: [{ field: 'userId', message: `no user ${body.userId}` }],
      })
    }
    // The operator sets circles up for others; joining one themselves takes emergency access, with a reason.
    if (access.basis === 'platform-admin' && (body.organisationId === req.principal?.organisationId || body.userId === req.principal?.id)) {
      throw new HearthError('forbidden', 'the platform admin does not add themselves or their own organisation to a circle they are not in: emergency access asks for a reason and tells the circle')
    }
    const now = ctx.clock.now()
    const membership = ctx.circles.add(
      {
        personId: idOf(req),
        organisationId: body.organisationId,
        userId: body.userId,
        relationship: body.relationship,
        scopes: body.scopes,
        basis: body.basis,
        proxy: body.proxy,
        fromMs: body.from === undefined ? now : Date.parse(body.from),
        toMs: body.to === undefined ? undefined : Date.parse(body.to),
      },
      callerOf(req),
      now,
    )
    ctx.guard.recordFor(req, access, 'circle.member-added', idOf(req), { target: membership.id })
    ctx.logger.info({ personId: idOf(req), membershipId: membership.id, basis: membership.basis, by: callerOf(req) }, 'circle member added')
    res.status(201).json(membership)
  })

  router.delete('/:id/circle/:membershipId', (req, res) => {
    const access = ctx.guard.check(req, idOf(req), 'circle-admin')
    const m = membershipOf(idOf(req), req.params.membershipId)
    // Someone must always answer the person's alarms: the last monitoring organisation stays until another joins.
    const monitoring = ctx.circles
      .listForPerson(idOf(req), ctx.clock.now())
      .filter((x) => x.active && x.basis === 'direct-care' && x.organisationId !== null && x.scopes.includes('alerts'))
    if (monitoring.length === 1 && monitoring[0]?.id === m.id) {
      throw new HearthError('conflict', "this is the only organisation monitoring the person's alarms: add another with basis direct-care first")
    }
    const ended = ctx.circles.end(m.id, callerOf(req), 'ended by a circle admin', ctx.clock.now())
    ctx.guard.recordFor(req, access, 'circle.member-ended', idOf(req), { target: m.id })
    ctx.logger.info({ personId: idOf(req), membershipId: m.id, by: callerOf(req) }, 'circle membership ended')
    res.json(ended)
  })

  /** The person (or their proxy) takes back consent; direct care in an emergency is not theirs to end here. */
  router.post('/:id/circle/:membershipId/withdraw-consent', (req, res) => {
    const access = ctx.guard.check(req, idOf(req), 'self-or-circle-admin')
    const body = validate(WithdrawConsentBodySchema, req.body, 'withdrawal')
    const m = membershipOf(idOf(req), req.params.membershipId)
    if (m.basis === 'direct-care') {
      throw new HearthError('conflict', 'this member provides direct care in an emergency: it is not based on consent and cannot be withdrawn here')
    }
    const reason = body.reason ? `consent withdrawn: ${body.reason}` : 'consent withdrawn'
    const ended = ctx.circles.end(m.id, callerOf(req), reason, ctx.clock.now())
    ctx.guard.recordFor(req, access, 'circle.consent-withdrawn', idOf(req), { target: m.id })
    ctx.logger.info({ personId: idOf(req), membershipId: m.id, by: callerOf(req) }, 'consent withdrawn')
    res.json(ended)
  })

  /** PROTOCOL §2b: who read the record or acted on it, newest first. */
  router.get('/:id/access-log', (req, res) => {
    const access = ctx.guard.require(req, idOf(req), 'self-or-circle-admin', 'access-log.read')
    const limit = Math.min(Math.max(Number(req.query.limit ?? 200) || 200, 1), ACCESS_LOG_LIMIT)
    const entries = ctx.audit.forPerson(idOf(req), limit).map((r) => accessLogEntry(ctx, r))
    // Where staff worked from is for the circle's admins, not the person's own view.
    res.json(access.circleAdmin ? entries : entries.map((e) => ({ ...e, ip: null })))
  })

  /** Every alarm the person raised: who answered, how fast, and what was done. */
  router.get('/:id/alarms', (req, res) => {
    ctx.guard.require(req, idOf(req), 'alerts', 'alarms.read')
    const alarms = ctx.alerts
      .listForPerson(idOf(req), 500)
      .filter((a) => (ALARM_KINDS as readonly string[]).includes(a.kind))
      .map((a) => {
        const who = a.acknowledgedBy === null ? undefined : ctx.authorOf(a.acknowledgedBy, Date.parse(a.acknowledgedAt ?? a.raisedAt))
        return {
          alertId: a.id,
          kind: a.kind,
          deviceId: a.deviceId,
          deviceType: ctx.devices.get(a.deviceId)?.type ?? null,
          priority: a.priority,
          status: a.status,
          raisedAt: a.raisedAt,
          acknowledgedAt: a.acknowledgedAt,
          acknowledgedBy: who?.name ?? a.acknowledgedBy,
          acknowledgedByOrganisation: who?.organisation ?? null,
          answeredAfterSeconds: a.acknowledgedAt === null ? null : Math.round((Date.parse(a.acknowledgedAt) - Date.parse(a.raisedAt)) / 1000),
          resolvedAt: a.resolvedAt,
          outcome: a.outcome,
          note: a.note,
        }
      })
    res.json({ personId: idOf(req), alarms })
  })

  /** Emergency access from outside the circle: a reason, a time limit, and the circle told at once. */
  router.post('/:id/break-glass', requires('break-glass'), (req, res) => {
    const principal = req.principal as NonNullable<Request['principal']>
    const body = validate(BreakGlassBodySchema, req.body, 'emergency access')
    if (principal.viaToken) throw new HearthError('forbidden', 'emergency access is for a person on duty, not an integration')
    const kind = ctx.organisations.get(principal.organisationId)?.kind
    if (kind === undefined || !BREAK_GLASS_ORGANISATION_KINDS.includes(kind)) {
      throw new HearthError('forbidden', 'emergency access is for the staff of telecare services, NHS health teams and GP practices')
    }
    const person = ctx.people.get(idOf(req))
    if (!person) throw new HearthError('not_found', `no person ${idOf(req)}`)
    const access = ctx.guard.accessOf(principal, person.id)
    if (access && access.basis !== 'break-glass') throw new HearthError('conflict', "you are already in this person's circle of care")
    const grant = ctx.breakGlass.open({ personId: person.id, userId: principal.id, reason: body.reason, durationMs: BREAK_GLASS_MS }, ctx.clock.now())
    ctx.guard.record(req, 'break-glass.opened', person.id, { target: grant.id, basis: 'break-glass', reason: body.reason })
    ctx.logger.warn({ personId: person.id, grantId: grant.id, by: principal.username }, 'emergency access opened')
    const view = breakGlassView(ctx, grant, person.name)
    ctx.onBreakGlass(view)
    res.status(201).json(view)
  })

  return router
}

export function breakGlassView(ctx: RouteContext, grant: BreakGlassRecord, personName: string): BreakGlassGrant {
  const user = ctx.users.getIncludingDeleted(grant.userId)
  return {
    id: grant.id,
    personId: grant.personId,
    personName,
    userId: grant.userId,
    displayName: user?.displayName ?? grant.userId,
    organisationName: user?.organisationName ?? 'unknown organisation',
    role: user ? primaryRole(user.roles) : 'unknown',
    reason: grant.reason,
    openedAt: new Date(grant.openedAtMs).toISOString(),
    expiresAt: new Date(grant.expiresAtMs).toISOString(),
  }
}

function accessLogEntry(ctx: RouteContext, r: AuditRecordView): AccessLogEntry {
  // A user deleted since is still named as they were: the log answers for what they did.
  const user = r.userId === null ? undefined : ctx.users.getIncludingDeleted(r.userId)
  return {
    seq: r.seq,
    at: new Date(r.at).toISOString(),
    userId: r.userId,
    username: r.username,
    displayName: user?.displayName ?? r.username,
    organisationId: r.organisationId,
    organisationName: r.organisationId === null ? null : (ctx.organisations.get(r.organisationId)?.name ?? r.organisationId),
    role: r.role,
    action: r.action,
    basis: r.basis,
    reason: r.reason,
    target: r.target,
    ip: r.ip,
    breakGlass: r.basis === 'break-glass',
  }
}
