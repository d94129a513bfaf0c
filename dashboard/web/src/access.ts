import type { Role } from '../../../contract/circle-values.js'
import { POLICY, type Action } from '../../access-policy.js'
import type { UserView } from '../../ports.js'

/**
 * The signed-in user, as GET /api/auth/me and POST /api/auth/login answer; `mustEnrolTwoFactor`:
 * past the grace for a role that requires two-factor sign-in, nothing but setting it up.
 */
export type SessionUser = Omit<UserView, 'disabled' | 'createdAt' | 'email'> & { mustEnrolTwoFactor?: boolean }

/** Mirrors the server's policy to decide what to show; the server still decides what is allowed. */
export function can(user: SessionUser, action: Action): boolean {
  const allowed: readonly Role[] = POLICY[action]
  return user.roles.some((role) => allowed.includes(role))
}

/** The person's own account (or their proxy's): it sees their own record and nothing else. */
export function isPersonAccount(user: SessionUser): boolean {
  return user.roles.includes('person')
}

/** Family carers and volunteers follow the people they support on the Family page. */
const FAMILY_ROLES: readonly Role[] = ['family-carer', 'volunteer']

/** `account` (the user's own sign-in settings) is open to everyone and reached from the header, not the navigation. */
export type PageName = 'me' | 'queue' | 'console' | 'call-scripts' | 'family' | 'people' | 'devices' | 'figures' | 'organisations' | 'users' | 'account'

export interface PageSpec {
  name: PageName
  label: string
  allowed: (user: SessionUser) => boolean
}

const staffWho = (action: Action) => (user: SessionUser) => !isPersonAccount(user) && can(user, action)

/** In navigation order; the first one a user may see is their home page. */
export const PAGES: readonly PageSpec[] = [
  { name: 'me', label: 'My record', allowed: isPersonAccount },
  { name: 'queue', label: 'Alerts', allowed: staffWho('alerts:read') },
  { name: 'console', label: 'Console', allowed: staffWho('alerts:act') },
  { name: 'call-scripts', label: 'Call scripts', allowed: staffWho('call-scripts:write') },
  { name: 'family', label: 'Family', allowed: (user) => !isPersonAccount(user) && user.roles.some((r) => FAMILY_ROLES.includes(r)) },
  { name: 'people', label: 'People', allowed: staffWho('persons:read') },
  { name: 'devices', label: 'Devices', allowed: staffWho('devices:read') },
  { name: 'figures', label: 'Service figures', allowed: staffWho('figures:read') },
  { name: 'organisations', label: 'Organisations', allowed: staffWho('organisations:manage') },
  { name: 'users', label: 'Users', allowed: staffWho('users:manage') },
]

export function canSeePage(user: SessionUser, name: PageName): boolean {
  return PAGES.find((page) => page.name === name)?.allowed(user) ?? false
}

/**
 * Where a user lands: the person on their own record, responders on the queue, family carers and
 * volunteers on the Family page, everyone else on the people in their circles.
 */
export function homePage(user: SessionUser): PageName {
  return PAGES.find((page) => page.allowed(user))?.name ?? 'people'
}
