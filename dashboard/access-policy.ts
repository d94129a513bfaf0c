import type { Role } from '../contract/index.js'

/**
 * What each role may do at all, whoever it is about; anything not listed is denied. What a user
 * may see or do about one person is decided by their circle of care as well (circle-access.ts):
 * a role alone grants nothing about a person.
 */
export const POLICY = {
  /** The responders' queue and the live alert feed of the people their organisation monitors. */
  'alerts:read': ['admin', 'supervisor', 'responder'],
  'alerts:act': ['admin', 'supervisor', 'responder'],
  /** The people list: every user sees the people in their circles, and only those. */
  'persons:read': ['admin', 'org-admin', 'supervisor', 'responder', 'clinician', 'social-worker', 'housing-officer', 'volunteer', 'family-carer', 'person'],
  'persons:write': ['admin', 'org-admin', 'supervisor'],
  'devices:read': ['admin', 'supervisor', 'responder'],
  'devices:provision': ['admin', 'supervisor'],
  // Thresholds and settings are clinical decisions.
  'care:write': ['admin', 'clinician'],
  'figures:read': ['admin', 'supervisor', 'responder'],
  /** The questions responders ask for each alert kind: a supervisor's to change. */
  'call-scripts:write': ['admin', 'supervisor'],
  'users:manage': ['admin', 'org-admin'],
  'organisations:manage': ['admin'],
  'tokens:manage': ['admin'],
  'break-glass': ['admin', 'supervisor', 'responder', 'clinician'],
  'audit:verify': ['admin'],
  /** PROTOCOL §2c webhooks: an organisation admin's only for their own organisation (webhook-routes.ts). */
  'webhooks:manage': ['admin', 'org-admin'],
} as const satisfies Record<string, readonly Role[]>

export type Action = keyof typeof POLICY

export interface Principal {
  id: string
  username: string
  displayName: string
  roles: readonly Role[]
  organisationId: string
  /** For role `person`: the person this account is (or is the proxy of). */
  personId: string | null
  /** An integration's API token rather than a person signed in. */
  viaToken?: boolean
  /** Signed in on a password someone else chose: nothing but choosing their own until they do. */
  mustChangePassword?: boolean
  /** A role that requires two-factor sign-in, past the grace to set it up: nothing but setting it up until they do. */
  mustEnrolTwoFactor?: boolean
}

export function can(principal: Principal | undefined, action: Action): boolean {
  if (!principal) return false
  const allowed: readonly Role[] = POLICY[action] ?? []
  return principal.roles.some((role) => allowed.includes(role))
}
