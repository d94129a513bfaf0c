import type { Logger } from 'pino'
import type { Clock } from '../../contract/index.js'
import type { AlertDesk, AlertQueries, Devices, HealthProbe, People, ReadingsQueries, Users } from '../ports.js'

/** What the route modules share. */
export interface RouteContext {
  logger: Logger
  clock: Clock
  users: Users
  people: People
  devices: Devices
  alerts: AlertQueries
  desk: AlertDesk
  readings: ReadingsQueries
  health: HealthProbe
  sessionTtlMs: number
  secureCookies: boolean
  /** Called on sign-out so the session's live connections close too. */
  onSignOut: (sessionSecret: string) => void
}
