import type { Alert } from '../../../contract/alert.js'
import type { AlertStatus, Outcome, Priority } from '../../../contract/alert-values.js'
import type { PersonAccess } from '../../../contract/circle-values.js'
import type { MetricName } from '../../../contract/metrics.js'
import type { DeviceView, PersonView, UserView } from '../../ports.js'

/** The shapes the dashboard API answers with, as the server's own view types define them. */
export type { DeviceView, PersonView, UserView }

export interface LatestReading {
  metric: MetricName
  value: number
  at: string
}

/**
 * GET /api/persons/{id}: the person, with their devices, latest readings and recent alerts, each
 * left out (empty) where the caller's scopes do not reach, and what the caller may do (`access`).
 */
export interface PersonDetail extends PersonView {
  devices: DeviceView[]
  latest: LatestReading[]
  alerts: Alert[]
  /** Only with scope `access-details`: whether there is anything to reveal. */
  hasAccessDetails?: boolean
  access: PersonAccess
}

/** One alarm of GET /api/persons/{id}/alarms: who answered, how fast, what was done. */
export interface AlarmRecord {
  alertId: string
  kind: string
  priority: Priority
  status: AlertStatus
  raisedAt: string
  acknowledgedAt: string | null
  /** The display name of whoever answered. */
  acknowledgedBy: string | null
  acknowledgedByOrganisation: string | null
  answeredAfterSeconds: number | null
  resolvedAt: string | null
  outcome: Outcome | null
  note: string | null
}

export interface ProvisionedDevice {
  id: string
  secret: string
  type: string
  personId: string
  topics: Record<'status' | 'readings' | 'events' | 'commands' | 'errors', string>
}
