import type { Role } from '../../../contract/api.js'
import { POLICY, type Action } from '../../access-policy.js'

/** The signed-in user, as GET /api/auth/me and POST /api/auth/login answer. */
export interface SessionUser {
  id: string
  username: string
  displayName: string
  roles: Role[]
}

/** Mirrors the server's policy to decide what to show; the server still decides what is allowed. */
export function can(user: SessionUser, action: Action): boolean {
  const allowed: readonly Role[] = POLICY[action]
  return user.roles.some((role) => allowed.includes(role))
}

export type PageName = 'queue' | 'people' | 'devices' | 'figures' | 'users'

export const PAGES: ReadonlyArray<{ name: PageName; label: string; action: Action }> = [
  { name: 'queue', label: 'Alerts', action: 'alerts:read' },
  { name: 'people', label: 'People', action: 'persons:read' },
  { name: 'devices', label: 'Devices', action: 'devices:read' },
  { name: 'figures', label: 'Service figures', action: 'figures:read' },
  { name: 'users', label: 'Users', action: 'users:manage' },
]

/** Where a user lands: the queue for those who answer alerts, the people list for clinicians. */
export function homePage(user: SessionUser): PageName {
  return PAGES.find((page) => can(user, page.action))?.name ?? 'people'
}
