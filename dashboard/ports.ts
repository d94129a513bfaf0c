import type {
  Absence,
  Basis,
  CircleMembership,
  Organisation,
  OrganisationKind,
  PersonNote,
  Scope,
  Alert,
  AlertHistoryEntry,
  CareSettings,
  CareSettingsVersion,
  CreatePersonBody,
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
  organisationId: string
  organisationName: string
  /** For role `person`: the person this account is, or is the proxy of. */
  personId: string | null
  disabled: boolean
  /** Someone else chose the password (an admin's reset, the generated first one): the user chooses their own before anything else. */
  mustChangePassword: boolean
  createdAt: string
}

export interface TokenView {
  id: string
  name: string
  roles: Role[]
  organisationId: string
  createdBy: string
  createdAt: string
  lastUsedAt: string | null
  revokedAt: string | null
  /** After it the token is refused (90 days after it was made unless made for less or more). */
  expiresAt: string | null
}

export interface Users {
  count(): number
  create(
    user: { username: string; displayName: string; passwordHash: string; roles: Role[]; organisationId: string; personId?: string | undefined },
    nowMs: number,
  ): UserView
  get(id: string): UserView | undefined
  byUsername(username: string): UserView | undefined
  credentialsOf(username: string): { user: UserView; passwordHash: string } | undefined
  list(): UserView[]
  listOfOrganisation(organisationId: string): UserView[]
  update(id: string, change: { displayName?: string | undefined; roles?: Role[] | undefined }): UserView | undefined
  setDisabled(id: string, disabled: boolean, nowMs: number): UserView | undefined
  /** A new password; `mustChange` when someone else chose it. Ends every session of the user but `keepSession`. */
  setPassword(id: string, passwordHash: string, mustChange: boolean, keepSession?: string): void
  openSession(userId: string, nowMs: number, ttlMs: number): string
  userOfSession(secret: string, nowMs: number): UserView | undefined
  sessionExpiresAt(secret: string): number | undefined
  closeSession(secret: string): void
  createApiToken(name: string, roles: Role[], createdBy: string, organisationId: string, nowMs: number, expiresAtMs: number): { id: string; token: string }
  principalOfToken(secret: string, nowMs: number): UserView | undefined
  listTokens(): TokenView[]
  revokeToken(id: string, nowMs: number): boolean
}

/**
 * Failed sign-ins, counted per account and per address and kept across restarts (ASVS 6.3.1).
 * `address` is as `addressKey` gives it. Usernames are taken as typed: one that does not exist is
 * counted like one that does, so the answers never tell them apart.
 */
export interface SignInLimits {
  /** Milliseconds before `username` may try again from `address`, or 0; counts nothing. */
  retryAfterMs(username: string, address: string): Promise<number>
  /**
   * Counts an attempt before its password is checked, so that attempts made at once cannot pass
   * a limit: 0 when it may go on, or the milliseconds before another may.
   */
  count(username: string, address: string): Promise<number>
  /** The password was right: the attempt is handed back, and the account's count from this address cleared. */
  succeeded(username: string, address: string): Promise<void>
}

export interface Organisations {
  create(org: { name: string; kind: OrganisationKind }, nowMs: number): Organisation
  get(id: string): Organisation | undefined
  list(): Organisation[]
}

export interface NewMembership {
  personId: string
  organisationId?: string | undefined
  userId?: string | undefined
  relationship: string
  scopes: readonly Scope[]
  basis: Basis
  proxy?: { name: string; authority: string } | undefined
  fromMs: number
  toMs?: number | undefined
}

/** Who stands in each person's circle of care. */
export interface Circles {
  add(m: NewMembership, by: string, nowMs: number): CircleMembership
  get(id: string, nowMs: number): CircleMembership | undefined
  listForPerson(personId: string, nowMs: number): CircleMembership[]
  /** Memberships in force now that include this user: their organisation's (when given) and their own. */
  activeReaching(organisationId: string | null, userId: string, nowMs: number): CircleMembership[]
  end(id: string, by: string, reason: string, nowMs: number): CircleMembership
}

export interface BreakGlassRecord {
  id: string
  personId: string
  userId: string
  reason: string
  openedAtMs: number
  expiresAtMs: number
}

export interface BreakGlassGrants {
  open(grant: { personId: string; userId: string; reason: string; durationMs: number }, nowMs: number): BreakGlassRecord
  activeForPerson(personId: string, nowMs: number): BreakGlassRecord[]
  activeOfUser(userId: string, nowMs: number): BreakGlassRecord[]
  forPersonSince(personId: string, sinceMs: number): BreakGlassRecord[]
  since(sinceMs: number): BreakGlassRecord[]
}

export interface PersonNotes {
  add(note: Omit<PersonNote, 'id' | 'at'>, nowMs: number): PersonNote
  recentForPerson(personId: string, limit: number): PersonNote[]
}

export interface AuditEntry {
  at: number
  userId: string | null
  username: string | null
  organisationId: string | null
  role: string | null
  action: string
  personId: string | null
  target: string | null
  ip: string | null
  basis: string | null
  reason: string | null
}

export interface AuditRecordView extends AuditEntry {
  seq: number
}

type AuditVerificationView =
  | { ok: true; entries: number }
  | { ok: false; entries: number; firstBadEntry: { seq: number; at: string | null; action: string | null; problem: string } }

/** The append-only audit log: every read of a person's data and every action. */
export interface AuditTrail {
  append(entry: AuditEntry): number
  forPerson(personId: string, limit: number): AuditRecordView[]
}

/** Checks the whole audit chain (off the alarms' event loop: it takes seconds on a long log). */
export type AuditVerifier = () => Promise<AuditVerificationView>

export interface PersonView extends CreatePersonBody {
  id: string
  createdAt: string
}

export interface People {
  create(body: CreatePersonBody, nowMs: number): PersonView
  get(id: string): PersonView | undefined
  list(limit?: number): PersonView[]
  listByIds(ids: Iterable<string>): PersonView[]
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
  signal: number | null
  firmware: string | null
  /** Set once deprovisioned: out of service for good. */
  deprovisionedAt: string | null
}

export interface Devices {
  provision(device: { id?: string; type: DeviceType; personId: string; secretHash: string; checkInSeconds?: number; label?: string }, nowMs: number): string
  /** Whether the id was ever issued: ids are never issued twice. */
  exists(id: string): boolean
  /** Takes a device out of service for good (its secret stops working); false when it was not in service. */
  deprovision(id: string, by: string, nowMs: number): boolean
  /** A device's record, deprovisioned or not; `list` and `listForPerson` hold those in service. */
  get(id: string): DeviceView | undefined
  list(): DeviceView[]
  listForPerson(personId: string): DeviceView[]
}

/** PROTOCOL §1: a new device secret, shown once, and the salted hash stored in its place (what the broker checks). */
export type DeviceSecretIssuer = () => { secret: string; secretHash: string }

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
  listForPersons(status: 'open' | 'resolved' | 'all', personIds: Iterable<string>, limit: number): Alert[]
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
  latest(personId: string, nowMs: number): Promise<Array<{ metric: MetricName; value: number; at: string }>>
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
  /** Every absence in force at `atMs`, the soonest to end first. */
  inForceAt(atMs: number): Absence[]
}

export type HealthProbe = () => HealthReport[] | Promise<HealthReport[]>
