import type {
  Absence,
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

import type { AlertCall, ResponsePlanVersion, ResponseStep, Wishes, WishesVersion } from '../contract/index.js'
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
  /** Two-factor sign-in is on: signing in takes a code too. */
  twoFactorEnabled: boolean
  /** Where a supervisor is emailed of an alert nobody answered in time; shown to user admins and the user themselves. */
  email: string | null
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
    user: { username: string; displayName: string; passwordHash: string; roles: Role[]; organisationId: string; personId?: string | undefined; email?: string | undefined },
    nowMs: number,
  ): UserView
  get(id: string): UserView | undefined
  byUsername(username: string): UserView | undefined
  credentialsOf(username: string): { user: UserView; passwordHash: string } | undefined
  list(): UserView[]
  listOfOrganisation(organisationId: string): UserView[]
  update(id: string, change: { displayName?: string | undefined; roles?: Role[] | undefined; email?: string | null | undefined }): UserView | undefined
  setDisabled(id: string, disabled: boolean, nowMs: number): UserView | undefined
  /** Ends the user's access as disabling does, then the account for good: the row stays for the records that name it. */
  remove(id: string, by: string, nowMs: number): boolean
  getIncludingDeleted(id: string): UserView | undefined
  /** The user who held the username at that moment, deleted since or not. */
  holderOf(username: string, atMs: number): UserView | undefined
  /** A new password; `mustChange` when someone else chose it. Ends every session of the user but `keepSession`. */
  setPassword(id: string, passwordHash: string, mustChange: boolean, keepSession?: string): void
  /** Ends every session of the user but `keepSession` (ASVS 7.4.3: after a change in how they sign in). */
  endOtherSessions(id: string, keepSession: string): void
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

export type { AuditEntry, AuditRecordView, AuditTrail, AuditVerifier, BreakGlassGrants, BreakGlassRecord, Circles, NewMembership, Organisations, PersonNotes } from './circle-ports.js'

export interface PersonView extends CreatePersonBody {
  id: string
  createdAt: string
  /** Set while archived: kept for the record, out of the lists and of monitoring. */
  archivedAt: string | null
  archivedBy: string | null
  archiveReason: string | null
}

export interface People {
  create(body: CreatePersonBody, nowMs: number): PersonView
  get(id: string): PersonView | undefined
  list(limit?: number): PersonView[]
  listByIds(ids: Iterable<string>): PersonView[]
  update(id: string, change: Partial<Omit<CreatePersonBody, 'timeZone'>>): PersonView | undefined
  archive(id: string, reason: string, by: string, nowMs: number): boolean
  unarchive(id: string): boolean
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
  /** A new secret (its hash); the one in use works until `previousValidUntilMs`, or no more when null. False when not in service. */
  rotateSecret(id: string, secretHash: string, previousValidUntilMs: number | null, nowMs: number): boolean
  /** The device is the other person's from now on; false when it is not in service. */
  reassign(id: string, personId: string): boolean
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
  /** A responder's note, or another entry in the alert's log (follow-up set, attendance, script answers). */
  addNote(alertId: string, by: string, text: string, action?: 'note' | 'follow-up' | 'attendance' | 'script-answers'): { alert: Alert; entry: AlertHistoryEntry }
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
  /** What the person's devices sent while they were theirs (a device moved to them brings none of its past), newest first. */
  recentForPerson(personId: string, limit: number): TimelineEvent[]
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
  /** Whether a clinician has set active hours in some version: then they win over the person's own routine. */
  activeHoursSet: boolean
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

/** PROTOCOL §2c: what matters to each person, in versions (who, when, why). */
export interface WishesStore {
  /** The version in force; undefined when nothing was written yet. */
  current(personId: string): WishesVersion | undefined
  /** Newest first. */
  history(personId: string, limit: number): WishesVersion[]
  save(personId: string, wishes: Wishes, reason: string, by: string, nowMs: number): WishesVersion
}

/** PROTOCOL §2c: each person's response plan, the ordered cascade of whom to call, in versions. */
export interface ResponsePlans {
  /** The version in force; undefined when no plan was written yet. */
  current(personId: string): ResponsePlanVersion | undefined
  /** Newest first. */
  history(personId: string, limit: number): ResponsePlanVersion[]
  save(personId: string, steps: ResponseStep[], reason: string, by: string, nowMs: number): ResponsePlanVersion
}

/** Call attempts on alerts, each against one step of the plan version in force. */
export interface AlertCalls {
  add(call: Omit<AlertCall, 'id' | 'at'>, nowMs: number): AlertCall
  /** Oldest first. */
  forAlert(alertId: string): AlertCall[]
  /** Newest first. */
  recentForPerson(personId: string, limit: number): AlertCall[]
}

/** The call-handling console: who holds each person's incident (all their open alerts), and since when. */
export interface IncidentHolds {
  get(personId: string): { personId: string; userId: string; heldSinceMs: number } | undefined
  hold(personId: string, userId: string, nowMs: number): { personId: string; userId: string; heldSinceMs: number }
  /** True when there was a hold to end. */
  release(personId: string): boolean
}
