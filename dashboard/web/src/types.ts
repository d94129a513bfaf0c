import type { Alert } from '../../../contract/alert.js'
import type { MetricName } from '../../../contract/metrics.js'
import type { DeviceView, PersonView, UserView } from '../../ports.js'

/** The shapes the dashboard API answers with, as the server's own view types define them. */
export type { DeviceView, PersonView, UserView }

export interface LatestReading {
  metric: MetricName
  value: number
  at: string
}

/** GET /api/persons/{id}: the person, with their devices, latest readings and recent alerts. */
export interface PersonDetail extends PersonView {
  devices: DeviceView[]
  latest: LatestReading[]
  alerts: Alert[]
}

export interface ProvisionedDevice {
  id: string
  secret: string
  type: string
  personId: string
  topics: Record<'status' | 'readings' | 'events' | 'commands' | 'errors', string>
}
