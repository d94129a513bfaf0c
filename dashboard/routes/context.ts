import type { DashboardDeps } from '../create-dashboard.js'

/** What the route modules share: the dashboard's dependencies and its session settings. */
export type RouteContext = Omit<DashboardDeps, 'server' | 'metrics'> & {
  sessionTtlMs: number
  secureCookies: boolean
  /** Called on sign-out so the session's live connections close too. */
  onSignOut: (sessionSecret: string) => void
}
