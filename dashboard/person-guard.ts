import type { Request } from 'express'
import { HearthError, SCOPE_LABELS, type Basis, type CircleMembership, type Clock, type PersonAccess, type Scope } from '../contract/index.js'
import type { Principal } from './access-policy.js'
import { decideAccess } from './circle-access.js'
import type { AuditTrail, BreakGlassGrants, BreakGlassRecord, Circles } from './ports.js'

/**
 * What a request about a person needs: a scope, just a place in the circle (`member`), or one of
 * the abilities the circle and the caller's roles give together.
 */
export type Need =
  | Scope
  | 'member'
  | 'circle-admin'
  | 'self-or-circle-admin'
  | 'act-on-alerts'
  | 'edit-care-settings'
  | 'edit-person'
  | 'provision-devices'
  | 'archive-person'
  | 'edit-wishes'
  | 'edit-response-plan'

/**
 * What the platform admin (the service operator, who sets up circles and installs equipment) may
 * do about any person without being in their circle: see and change who is in it, and provision
 * devices. None of it shows health data, and all of it is audited with basis `platform-admin`.
 */
const ADMINISTRATION: ReadonlySet<Need> = new Set<Need>(['circle-admin', 'provision-devices'])

const PLATFORM_ADMINISTRATION: PersonAccess = {
  scopes: [],
  basis: 'platform-admin',
  circleAdmin: true,
  canActOnAlerts: false,
  canEditCareSettings: false,
  canEditPerson: false,
  breakGlass: null,
}

/**
 * PROTOCOL §2c: what matters to the person and their response plan are theirs (or their proxy's)
 * to write, and the circle's members with `care-settings` help them; emergency access only reads.
 */
const writesOwnPlans = (a: PersonAccess): boolean => a.basis === 'self' || (a.basis !== 'break-glass' && a.scopes.includes('care-settings'))

const REFUSALS: Record<Exclude<Need, Scope | 'member'>, [(a: PersonAccess) => boolean, string]> = {
  'circle-admin': [(a) => a.circleAdmin, "only the circle's admins (the monitoring service's admins and supervisors) change who is in it"],
  'self-or-circle-admin': [(a) => a.circleAdmin || a.basis === 'self', "only the person, their proxy and the circle's admins may see this"],
  'act-on-alerts': [(a) => a.canActOnAlerts, "your roles and place in this person's circle do not allow acting on alerts"],
  'edit-care-settings': [(a) => a.canEditCareSettings, 'thresholds and care settings are changed by clinicians in the circle'],
  'edit-person': [(a) => a.canEditPerson, "a person's details are changed by their monitoring service's admins and supervisors"],
  'provision-devices': [(a) => a.canEditPerson || a.basis === 'platform-admin', "a person's devices are provisioned by their monitoring service's admins and supervisors"],
  // Only from inside the circle: archiving takes seeing that no alarm is open and no device is left at home.
  'archive-person': [(a) => a.circleAdmin && a.basis !== 'platform-admin', "a person is archived by the admins and supervisors of the organisation monitoring them"],
  'edit-wishes': [writesOwnPlans, 'what matters to the person is written by them, their proxy, or members of their circle who follow their care settings'],
  'edit-response-plan': [writesOwnPlans, "the response plan is written by the person, their proxy, or members of their circle who follow their care settings"],
}

/** Whether the access meets the need: for answers that say what the caller may do. */
export const meets = (access: PersonAccess, need: Need): boolean => refusal(access, need) === undefined

/** Why the access does not meet the need, or undefined when it does. */
function refusal(access: PersonAccess, need: Need): string | undefined {
  if (need === 'member') return undefined
  if (need in REFUSALS) {
    const [allowed, why] = REFUSALS[need as keyof typeof REFUSALS]
    return allowed(access) ? undefined : why
  }
  const scope = need as Scope
  return access.scopes.includes(scope) ? undefined : `your place in this person's circle of care does not include: ${SCOPE_LABELS[scope].toLowerCase()}`
}

/**
 * Which memberships include a principal: their organisation's and their own. A person's own
 * account (or their proxy's) is never reached through the organisation it was made in: it sees
 * only its own record and the circles it was added to by name.
 */
function includes(principal: Principal, m: CircleMembership): boolean {
  return m.userId === principal.id || (!principal.roles.includes('person') && m.organisationId !== null && m.organisationId === principal.organisationId)
}

const BASIS_STRENGTH: readonly Basis[] = ['direct-care', 'proxy-consent', 'consent']

/** The basis a scope was granted on: the strongest among the memberships that grant it. */
function basisFor(memberships: readonly CircleMembership[], scope: Scope): Basis | undefined {
  const bases = new Set(memberships.filter((m) => m.scopes.includes(scope)).map((m) => m.basis))
  return BASIS_STRENGTH.find((b) => bases.has(b))
}

export interface AuditDetail {
  target?: string | undefined
  basis?: string | undefined
  reason?: string | undefined
}

/** An access with the memberships it came from, so the audit can name the basis of each scope. */
interface Reach {
  access: PersonAccess
  memberships: readonly CircleMembership[]
}

/**
 * Every question about one person goes through here: outside their circle the person does not
 * exist (404), inside it a missing scope is refused (403), and every read or action that is
 * allowed goes to the audit log with the basis it was allowed on.
 */
export function createPersonGuard(deps: { circles: Circles; breakGlass: BreakGlassGrants; audit: AuditTrail; clock: Clock; people: { get(id: string): unknown } }) {
  const reachOf = (principal: Principal, personId: string, memberships: readonly CircleMembership[], grants: readonly BreakGlassRecord[]): Reach | undefined => {
    const mine = memberships.filter((m) => includes(principal, m))
    const grant = mine.length === 0 ? grants.find((g) => g.userId === principal.id) : undefined
    const access = decideAccess(principal, personId, mine, grant)
    return access ? { access, memberships: mine } : undefined
  }

  /**
   * Decides for any number of principals about one person from two queries: the live feed asks
   * this for every connected user on every alert change.
   */
  const deciderFor = (personId: string): ((principal: Principal) => PersonAccess | undefined) => {
    const now = deps.clock.now()
    const memberships = deps.circles.listForPerson(personId, now).filter((m) => m.active)
    const grants = deps.breakGlass.activeForPerson(personId, now)
    return (principal) => reachOf(principal, personId, memberships, grants)?.access
  }

  const reach = (principal: Principal | undefined, personId: string): Reach | undefined => {
    if (!principal) return undefined
    const now = deps.clock.now()
    return reachOf(principal, personId, deps.circles.listForPerson(personId, now).filter((m) => m.active), deps.breakGlass.activeForPerson(personId, now))
  }

  const accessOf = (principal: Principal | undefined, personId: string): PersonAccess | undefined => reach(principal, personId)?.access

  /** What the principal may see of every person they reach now, from two queries: for lists. */
  const accessMap = (principal: Principal): Map<string, PersonAccess> => {
    const now = deps.clock.now()
    const organisationId = principal.roles.includes('person') ? null : principal.organisationId
    const byPerson = new Map<string, CircleMembership[]>()
    for (const m of deps.circles.activeReaching(organisationId, principal.id, now)) byPerson.set(m.personId, [...(byPerson.get(m.personId) ?? []), m])
    const grants = deps.breakGlass.activeOfUser(principal.id, now)
    const ids = new Set([...byPerson.keys(), ...grants.map((g) => g.personId)])
    if (principal.roles.includes('person') && principal.personId) ids.add(principal.personId)
    const map = new Map<string, PersonAccess>()
    for (const id of ids) {
      const access = reachOf(principal, id, byPerson.get(id) ?? [], grants)?.access
      if (access) map.set(id, access)
    }
    return map
  }

  /** Writes one audit entry for the request's principal (or, for sign-in, the `actor` who tried). */
  const record = (req: Request, action: string, personId: string | null, detail: AuditDetail & { actor?: Pick<Principal, 'username'> & Partial<Principal> } = {}): void => {
    const p = detail.actor ?? req.principal
    deps.audit.append({
      at: deps.clock.now(),
      userId: p?.id ?? null,
      username: p?.username ?? null,
      organisationId: p?.organisationId ?? null,
      role: p?.roles ? p.roles.join(',') : null,
      action,
      personId,
      target: detail.target ?? null,
      ip: req.ip ?? null,
      basis: detail.basis ?? null,
      reason: detail.reason ?? null,
    })
  }

  /**
   * Allows the request about the person, or throws: 404 outside the circle, 403 when the need is
   * not met. A refusal about a person who exists is recorded, so that the person and their
   * circle's admins see who tried.
   */
  const checkReach = (req: Request, personId: string, need: Need): Reach => {
    let found = reach(req.principal, personId)
    const exists = (): boolean => deps.people.get(personId) !== undefined
    if (!found && ADMINISTRATION.has(need) && req.principal?.roles.includes('admin') && exists()) found = { access: PLATFORM_ADMINISTRATION, memberships: [] }
    const why = found ? refusal(found.access, need) : undefined
    if (!found || why) {
      if (exists()) record(req, `denied:${need}`, personId, { basis: found?.access.basis })
      if (!found) throw new HearthError('not_found', `no person ${personId}`)
      throw new HearthError('forbidden', why as string)
    }
    return found
  }

  /** Records what was done about a person under the access that allowed it, naming the basis of the scope used. */
  const recordReach = (req: Request, found: Reach, need: Need, action: string, personId: string, detail: AuditDetail): void => {
    const { access } = found
    const basis = access.basis === 'self' || access.basis === 'break-glass' || access.basis === 'platform-admin' ? access.basis : (basisFor(found.memberships, need as Scope) ?? access.basis)
    record(req, action, personId, { basis, reason: access.breakGlass?.reason, ...detail })
  }

  return {
    accessOf,
    accessMap,
    deciderFor,
    check: (req: Request, personId: string, need: Need): PersonAccess => checkReach(req, personId, need).access,
    /** As check, and records the read or action with the basis it was allowed on. */
    require(req: Request, personId: string, need: Need, action: string, detail: AuditDetail = {}): PersonAccess {
      const found = checkReach(req, personId, need)
      recordReach(req, found, need, action, personId, detail)
      return found.access
    },
    /** Records what was done about a person under an access checked earlier (`scope`: the scope it used). */
    recordFor(req: Request, access: PersonAccess, action: string, personId: string, detail: AuditDetail & { scope?: Scope } = {}): void {
      const found = access.basis === 'platform-admin' ? { access, memberships: [] } : (reach(req.principal, personId) ?? { access, memberships: [] })
      recordReach(req, found, detail.scope ?? 'member', action, personId, detail)
    },
    record,
  }
}
export type PersonGuard = ReturnType<typeof createPersonGuard>
