import type { DashboardDeps } from '../create-dashboard.js'

/** What the route modules share: the dashboard's dependencies and its session settings. */
export type RouteContext = Omit<DashboardDeps, 'server' | 'metrics'> & {
  sessionTtlMs: number
  secureCookies: boolean
  /** Called on sign-out so the session's live connections close too. */
  onSignOut: (sessionSecret: string) => void
  /** Called when a user's roles change, so their live connections start again under the new roles. */
  onUserChanged: (userId: string) => void
}
