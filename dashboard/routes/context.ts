import type { Absence, BreakGlassGrant, Role, TimelineItem } from '../../contract/index.js'
import type { DashboardDeps } from '../create-dashboard.js'
import type { IncidentViews } from '../incident-view.js'
import type { PersonGuard } from '../person-guard.js'
import type { Author } from '../person-timeline.js'
import type { TwoFactorPolicy } from '../two-factor-policy.js'

/** The role a user's actions are labelled with: the first they hold. */
export const primaryRole = (roles: readonly Role[]): Role | 'unknown' => roles[0] ?? 'unknown'

/** What the route modules share: the dashboard's dependencies and its session settings. */
export type RouteContext = Omit<DashboardDeps, 'server' | 'metrics'> & {
  sessionTtlMs: number
  secureCookies: boolean
  /** Whether a user's two-factor sign-in is on, required, and by when: HEARTH_TWO_FACTOR_GRACE_DAYS applied. */
  twoFactorPolicy: TwoFactorPolicy
  /** Called on sign-out so the session's live connections close too. */
  onSignOut: (sessionSecret: string) => void
  /** Called when a user's roles change, so their live connections start again under the new roles. */
  onUserChanged: (userId: string) => void
  /** After a password change: the user's live connections end, but those of the session that changed it. */
  onOtherSessionsEnded: (userId: string, keptSession: string) => void
  /** Every question about one person: circle of care, scopes and the audit log. */
  guard: PersonGuard
  /** A note reaches every member of the person's circle who follows the timeline, live. */
  onPersonNote: (personId: string, item: TimelineItem) => void
  /** An absence planned or ended: the queues of those who follow the person's alerts say so at once. */
  onAbsenceChanged: (absence: Absence) => void
  /** The call-handling console: each person's open alerts as one incident, and who holds it. */
  incidents: IncidentViews
  /** A person's incident was taken or handed on: everyone who may see its alerts is told at once. */
  onIncidentChanged: (personId: string) => void
  /** Emergency access is shown at once to the person's circle admins and the person. */
  onBreakGlass: (grant: BreakGlassGrant) => void
  /** Runs writes to several repositories as one transaction. */
  transaction: <T>(fn: () => T) => T
  /** Who a username was at a moment (usernames of deleted users are reused): display name, organisation and role, for timelines and logs. */
  authorOf: (username: string, atMs: number) => Author | undefined
}
