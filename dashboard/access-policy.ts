import type { Role } from '../contract/index.js'

/**
 * Every route and socket event asks this one module; anything not listed is denied.
 * Health data is special-category: each action names exactly the roles that need it.
 */
export const POLICY = {
  'alerts:read': ['admin', 'supervisor', 'responder'],
  'alerts:act': ['admin', 'supervisor', 'responder'],
  'persons:read': ['admin', 'supervisor', 'responder', 'clinician'],
  'persons:write': ['admin', 'supervisor'],
  /** A person's own alerts and timeline on their page: clinicians follow them too. */
  'person-alerts:read': ['admin', 'supervisor', 'responder', 'clinician'],
  'devices:read': ['admin', 'supervisor', 'responder'],
  'devices:provision': ['admin', 'supervisor'],
  'readings:read': ['admin', 'supervisor', 'responder', 'clinician'],
  'care:read': ['admin', 'supervisor', 'responder', 'clinician'],
  // Thresholds and settings are clinical decisions.
  'care:write': ['admin', 'clinician'],
  'absences:write': ['admin', 'supervisor', 'responder', 'clinician'],
  'figures:read': ['admin', 'supervisor', 'responder'],
  'users:manage': ['admin'],
  'tokens:manage': ['admin'],
} as const satisfies Record<string, readonly Role[]>

export type Action = keyof typeof POLICY

export interface Principal {
  id: string
  username: string
  displayName: string
  roles: readonly Role[]
}

export function can(principal: Principal | undefined, action: Action): boolean {
  if (!principal) return false
  const allowed: readonly Role[] = POLICY[action] ?? []
  return principal.roles.some((role) => allowed.includes(role))
}
