import { BASES, CIRCLE_ADMIN_ROLES, SCOPES, type Basis, type CircleMembership, type PersonAccess, type Role, type Scope } from '../contract/index.js'
import { POLICY, type Principal } from './access-policy.js'
import { roleMayHold } from './person-reads.js'

const hasAnyRole = (principal: Principal, roles: readonly Role[]): boolean => principal.roles.some((r) => roles.includes(r))

/** The most the principal's roles may ever see about anyone (person-reads.ts decides), in the order of SCOPES. */
export function roleCeiling(principal: Principal): Scope[] {
  return SCOPES.filter((scope) => principal.roles.some((role) => roleMayHold(role, scope)))
}

/** Changing a person's details or provisioning their devices: the monitoring service's admins and supervisors. */
const PERSON_EDITORS: readonly Role[] = ['admin', 'supervisor']

/** The strongest basis first: direct care, then a proxy's consent, then the person's own. */
const BASIS_STRENGTH: readonly Basis[] = ['direct-care', 'proxy-consent', 'consent']

export interface BreakGlassInForce {
  id: string
  reason: string
  expiresAtMs: number
}

/**
 * What one principal may see and do about one person, from the memberships in force that include
 * them (their organisation's and their own) and any emergency access: undefined means the person
 * does not exist for them. Pure: the caller gathers the inputs.
 */
export function decideAccess(
  principal: Principal,
  personId: string,
  memberships: readonly CircleMembership[],
  breakGlass: BreakGlassInForce | undefined,
): PersonAccess | undefined {
  const ceiling = roleCeiling(principal)
  if (principal.roles.includes('person') && principal.personId === personId) {
    return { scopes: ceiling, basis: 'self', circleAdmin: false, canActOnAlerts: false, canEditCareSettings: false, canEditPerson: false, breakGlass: null }
  }
  if (memberships.length > 0) {
    const granted = new Set(memberships.flatMap((m) => m.scopes))
    const scopes = ceiling.filter((scope) => granted.has(scope))
    const bases = new Set(memberships.map((m) => m.basis))
    const basis = BASIS_STRENGTH.find((b) => bases.has(b)) ?? BASES[0]
    const monitoring = memberships.some((m) => m.basis === 'direct-care' && m.organisationId !== null && m.organisationId === principal.organisationId)
    return {
      scopes,
      basis,
      circleAdmin: monitoring && hasAnyRole(principal, CIRCLE_ADMIN_ROLES),
      canActOnAlerts: scopes.includes('alerts') && hasAnyRole(principal, POLICY['alerts:act']),
      canEditCareSettings: scopes.includes('care-settings') && hasAnyRole(principal, POLICY['care:write']),
      canEditPerson: monitoring && hasAnyRole(principal, PERSON_EDITORS),
      breakGlass: null,
    }
  }
  if (breakGlass) {
    return {
      scopes: ceiling,
      basis: 'break-glass',
      circleAdmin: false,
      canActOnAlerts: ceiling.includes('alerts') && hasAnyRole(principal, POLICY['alerts:act']),
      canEditCareSettings: ceiling.includes('care-settings') && hasAnyRole(principal, POLICY['care:write']),
      canEditPerson: false,
      breakGlass: { id: breakGlass.id, reason: breakGlass.reason, expiresAt: new Date(breakGlass.expiresAtMs).toISOString() },
    }
  }
  return undefined
}
