import {
  BASIS_LABELS,
  ORGANISATION_KIND_LABELS,
  ROLE_LABELS,
  SCOPE_LABELS,
  type BreakGlassGrant,
  type CircleMembership,
  type Role,
  type Scope,
} from '../../../contract/circle-values.js'
import { formatDateTime } from './format.js'

const isRole = (value: string): value is Role => Object.hasOwn(ROLE_LABELS, value)

/** A role (or several, comma-separated, as the audit log keeps them) in words. */
export function roleText(role: string | null | undefined): string {
  if (!role) return ''
  return role
    .split(',')
    .map((r) => r.trim())
    .filter((r) => r !== '')
    .map((r) => (isRole(r) ? ROLE_LABELS[r] : r))
    .join(', ')
}

/** Who a member is: the organisation, or the individual (family, friends). */
export function memberName(m: CircleMembership): string {
  return m.organisationName ?? m.userDisplayName ?? m.userId ?? m.organisationId ?? 'Someone'
}

/** What kind of member: "NHS health team", or "Individual" for family and friends. */
export function memberKind(m: CircleMembership): string {
  if (m.organisationKind) return ORGANISATION_KIND_LABELS[m.organisationKind]
  return m.userId ? 'Individual' : 'Organisation'
}

export function scopesText(scopes: readonly Scope[]): string[] {
  return scopes.map((s) => SCOPE_LABELS[s])
}

/** The basis in words, with the proxy who consented when there is one. */
export function basisText(m: Pick<CircleMembership, 'basis' | 'proxy'>): string {
  const base = BASIS_LABELS[m.basis]
  return m.proxy ? `${base} (${m.proxy.name}, ${m.proxy.authority.replaceAll('-', ' ')})` : base
}

export type MembershipState = 'active' | 'ended' | 'expired' | 'starts-later'

export function membershipState(m: CircleMembership, nowMs: number): MembershipState {
  if (m.endedAt) return 'ended'
  if (m.active) return 'active'
  if (m.to && Date.parse(m.to) <= nowMs) return 'expired'
  return Date.parse(m.from) > nowMs ? 'starts-later' : 'ended'
}

/** Active, or why not: "Ended 3 Mar, 14:02 by kim: consent withdrawn". */
export function membershipStateText(m: CircleMembership, nowMs: number): string {
  const state = membershipState(m, nowMs)
  switch (state) {
    case 'active':
      return 'Active'
    case 'starts-later':
      return `Starts ${formatDateTime(m.from)}`
    case 'expired':
      return `Ended ${m.to ? formatDateTime(m.to) : ''}: its end date passed`.trim()
    case 'ended': {
      const when = m.endedAt ? ` ${formatDateTime(m.endedAt)}` : ''
      const by = m.endedBy ? ` by ${m.endedBy}` : ''
      return `Ended${when}${by}${m.endReason ? `: ${m.endReason}` : ''}`
    }
  }
}

/** From and to, in words: "From 3 Mar, 14:02", "From 3 Mar, 14:02 until 30 Jun, 23:59". */
export function membershipPeriodText(m: CircleMembership): string {
  return `From ${formatDateTime(m.from)}${m.to ? ` until ${formatDateTime(m.to)}` : ''}`
}

/** The person's own words for why a member may see their record. */
export const MY_BASIS_TEXT: Record<CircleMembership['basis'], string> = {
  consent: 'You agreed to this (your consent).',
  'proxy-consent': 'Your representative agreed to this on your behalf.',
  'direct-care': 'Your monitoring service: this cannot be withdrawn here, because it is how help reaches you in an emergency.',
}

/** The banner every receiver of a `break-glass` event sees. */
export function breakGlassNoticeText(grant: BreakGlassGrant): string {
  const role = roleText(grant.role)
  const about = [grant.organisationName, role].filter((s) => s !== '').join(', ')
  return `Emergency access to ${grant.personName} by ${grant.displayName}${about ? ` (${about})` : ''}: ${grant.reason}`
}
