import type { Role } from '../contract/index.js'
import type { TwoFactorStore } from './two-factor-store.js'

/**
 * Accounts that can change who sees whom, or run a team's response, sign in with a second factor
 * (ASVS 6.3.3); everyone else may choose to.
 */
const TWO_FACTOR_ROLES: readonly Role[] = ['admin', 'org-admin', 'supervisor']

export const twoFactorRequired = (roles: readonly Role[]): boolean => roles.some((role) => TWO_FACTOR_ROLES.includes(role))

/** What `GET /api/auth/me` tells the web app of the user's two-factor sign-in. */
export interface TwoFactorStanding {
  enabled: boolean
  required: boolean
  /** For a role that requires it, while it is not on: by when it must be set up (ISO 8601); null otherwise. */
  enrolBy: string | null
}

/** The standing, and whether the grace has passed: the session may do nothing but set it up. */
type TwoFactorVerdict = TwoFactorStanding & { mustEnrol: boolean }

/** Decides from the user's roles, whether it is on, and the grace `graceMs` from when theirs began. */
function twoFactorVerdict(roles: readonly Role[], enabled: boolean, graceFromMs: () => number | undefined, graceMs: number, nowMs: number): TwoFactorVerdict {
  const required = twoFactorRequired(roles)
  if (enabled || !required) return { enabled, required, enrolBy: null, mustEnrol: false }
  const enrolByMs = (graceFromMs() ?? nowMs) + graceMs
  return { enabled, required, enrolBy: new Date(enrolByMs).toISOString(), mustEnrol: nowMs >= enrolByMs }
}

/** The verdict for one user at a time, reading when their grace began from the store only when it matters. */
export function createTwoFactorPolicy(store: Pick<TwoFactorStore, 'standingOf'>, graceMs: number) {
  return (user: { id: string; roles: readonly Role[]; twoFactorEnabled: boolean }, nowMs: number): TwoFactorVerdict =>
    twoFactorVerdict(user.roles, user.twoFactorEnabled, () => store.standingOf(user.id)?.graceFromMs, graceMs, nowMs)
}

export type TwoFactorPolicy = ReturnType<typeof createTwoFactorPolicy>
