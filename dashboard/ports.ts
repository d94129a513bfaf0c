import type {
  Alert,
  AlertHistoryEntry,
  CreatePersonBody,
  DeviceId,
  DeviceType,
  HealthReport,
  MetricName,
  Outcome,
  Role,
  SeriesPoint,
} from '../contract/index.js'

export interface UserView {
  id: string
  username: string
  displayName: string
  roles: Role[]
  createdAt: string
}

export interface Users {
  count(): number
  create(user: { username: string; displayName: string; passwordHash: string; roles: Role[] }, nowMs: number): UserView
  credentialsOf(username: string): { user: UserView; passwordHash: string } | undefined
  list(): UserView[]
  openSession(userId: string, nowMs: number, ttlMs: number): string
  userOfSession(secret: string, nowMs: number): UserView | undefined
  sessionExpiresAt(secret: string): number | undefined
  closeSession(secret: string): void
  createApiToken(name: string, roles: Role[], createdBy: string, nowMs: number): { id: string; token: string }
  principalOfToken(secret: string): UserView | undefined
}

export interface PersonView extends CreatePersonBody {
  id: string
  createdAt: string
}

export interface People {
  create(body: CreatePersonBody, nowMs: number): PersonView
  get(id: string): PersonView | undefined
  list(limit?: number): PersonView[]
}

export interface DeviceView {
  id: string
  type: DeviceType
  personId: string
  label: string | null
  checkInSeconds: number | null
  createdAt: string
  lastSeenAt: string | null
  online: boolean | null
  battery: number | null
}

export interface Devices {
  provision(device: { id?: string; type: DeviceType; personId: string; secretHash: string; checkInSeconds?: number; label?: string }, nowMs: number): string
  exists(id: string): boolean
  get(id: string): DeviceView | undefined
  list(): DeviceView[]
  listForPerson(personId: string): DeviceView[]
}

/** What responders do with alerts (implemented by alerting). */
export interface AlertDesk {
  acknowledge(alertId: string, by: string): Alert
  resolve(alertId: string, by: string, outcome: Outcome, note?: string): Alert
  onChange(listener: (alert: Alert) => void): () => void
}

export interface AlertQueries {
  get(alertId: string): Alert | undefined
  list(status: 'open' | 'resolved' | 'all', limit: number): Alert[]
  listForPerson(personId: string, limit: number): Alert[]
  history(alertId: string): AlertHistoryEntry[]
}

export interface ReadingsQueries {
  series(q: { personId: string; metric: MetricName; fromMs: number; toMs: number; everyMs: number }, maxPoints: number): Promise<SeriesPoint[]>
  latest(personId: string): Promise<Array<{ metric: MetricName; value: number; at: string }>>
}

export type HealthProbe = () => HealthReport[]

export type { DeviceId }
