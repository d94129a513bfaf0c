import type {
  Absence,
  Alert,
  AlertHistoryEntry,
  CareSettings,
  CareSettingsVersion,
  CreatePersonBody,
  DeviceId,
  DeviceType,
  HealthReport,
  MetricName,
  Outcome,
  Role,
  SeriesPoint,
  Threshold,
  ThresholdInForce,
} from '../contract/index.js'

import type { AnsweredAlarm } from './answer-times.js'
import type { TimelineAlertEntry, TimelineEvent } from './person-timeline.js'

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
  update(id: string, change: { displayName?: string | undefined; roles?: Role[] | undefined }): UserView | undefined
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
  update(id: string, change: Partial<Omit<CreatePersonBody, 'timeZone'>>): PersonView | undefined
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
  addNote(alertId: string, by: string, text: string): { alert: Alert; entry: AlertHistoryEntry }
  onChange(listener: (alert: Alert) => void): () => void
}

export interface AlertQueries {
  get(alertId: string): Alert | undefined
  list(status: 'open' | 'resolved' | 'all', limit: number): Alert[]
  listForPerson(personId: string, limit: number): Alert[]
  history(alertId: string): AlertHistoryEntry[]
  historyForPerson(personId: string, limit: number): TimelineAlertEntry[]
  answers(fromMs: number, toMs: number, kinds: readonly string[]): AnsweredAlarm[]
}

/** Device events as the journal keeps them, for a person's timeline. */
export interface EventQueries {
  recentForDevices(deviceIds: readonly string[], limit: number): TimelineEvent[]
}

export interface ReadingsQueries {
  series(q: { personId: string; metric: MetricName; fromMs: number; toMs: number; everyMs: number }, maxPoints: number): Promise<SeriesPoint[]>
  latest(personId: string): Promise<Array<{ metric: MetricName; value: number; at: string }>>
}

/** One version of a person's care settings: the thresholds in force (defaults included) and the settings. */
export interface CarePlanView {
  personId: string
  version: number
  settings: CareSettings
  thresholds: ThresholdInForce[]
}

/** Clinical settings, versioned: every change is a new version recording who, when, why and what changed. */
export interface CareSettingsAdmin {
  current(personId: string): CarePlanView | undefined
  replaceThresholds(personId: string, thresholds: readonly Threshold[], reason: string, by: string, nowMs: number): CarePlanView
  patchSettings(personId: string, patch: Partial<CareSettings>, reason: string, by: string, nowMs: number): CarePlanView
  history(personId: string, limit: number): CareSettingsVersion[]
}

export interface AbsencesAdmin {
  add(personId: string, absence: { fromMs: number; toMs: number; reason: string }, by: string, nowMs: number): Absence
  list(personId: string): Absence[]
  end(personId: string, absenceId: string, by: string, nowMs: number): Absence
}

export type HealthProbe = () => HealthReport[] | Promise<HealthReport[]>

export type { DeviceId }
