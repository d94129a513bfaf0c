import type { IPublishPacket, MqttClient } from 'mqtt'
import type { Absence, Alert, AlertHistoryEntry, CareSettings, DeviceEvent, DeviceId, ThresholdInForce } from '../contract/index.js'
import type { NewAlert } from './alert-lifecycle.js'
import type { KnownDevice } from './device-watch.js'

/** Opens alerting's MQTT connection with its own credentials, the handler attached from the first byte. */
export type MqttConnector = (onMessage: (topic: string, payload: Buffer, packet: IPublishPacket) => void) => Promise<MqttClient>

/** Alerts and their history; `transaction` makes a read-decide-write atomic. */
export interface AlertStore {
  transaction<T>(fn: () => T): T
  /** The person's open alert under a fold key: the kind, or the kind and device for device alerts. */
  findOpen(personId: string, foldKey: string): Alert | undefined
  /** Open alerts whose escalation or re-raise deadline has passed. */
  due(nowMs: number, limit: number): Alert[]
  list(status: 'open', limit: number): Alert[]
  get(alertId: string): Alert | undefined
  insert(alert: NewAlert): Alert
  update(alert: Alert): void
  addHistory(alertId: string, entry: AlertHistoryEntry): void
}

/** The durable record of device events (written first by the broker, before PUBACK). */
export interface EventInbox {
  record(deviceId: DeviceId, event: DeviceEvent, receivedAtMs: number): void
  recorded(deviceId: DeviceId, eventId: string): { type: DeviceEvent['type']; receivedAtMs: number; processed: boolean } | undefined
  markProcessed(deviceId: DeviceId, eventId: string, atMs: number): void
  pending(limit: number): Array<{ deviceId: DeviceId; event: DeviceEvent; receivedAtMs: number }>
}

export interface DeviceOwners {
  personOf(deviceId: DeviceId): string | undefined
  /** Any message is a check-in: events count too, so a restart knows when each device last spoke. */
  recordSeen(seenAt: ReadonlyMap<string, number>): void
  /** Every provisioned device, with only what the rules watch: read every 30 s, so kept lean. */
  watched(): KnownDevice[]
}

/**
 * What the rules pick up after a restart: when each person last showed activity at home (from the
 * event journal, for the inactivity rule), and the rules' own saved state.
 */
export interface ActivityHistory {
  lastActivityByPerson(types: readonly string[]): Map<string, number>
  /** Without it, a restart starts every pending `for` time and night watch afresh. */
  ruleStates?: RuleStateStore
}

/** One rule's saved state (rules/rule.ts `save`) for a person or a device, as JSON text. */
export interface SavedRuleState {
  scope: 'person' | 'device'
  /** The person's id, or the device's. */
  owner: string
  rule: string
  state: string
}

/** A change to a saved state; `state` undefined forgets it (nothing left worth keeping). */
export type RuleStateChange = Omit<SavedRuleState, 'state'> & { state: string | undefined }

/** The rules' evaluation state that must outlive a restart: a pending `for` time, a night watch under way. */
export interface RuleStateStore {
  all(): SavedRuleState[]
  /** Writes the changes in one transaction. */
  save(changes: readonly RuleStateChange[]): void
}

/** Commands written in the same transaction as the alert change that causes them. */
export interface CommandOutbox {
  enqueue(command: { id: string; deviceId: string; payload: string; createdAtMs: number }): void
  markSent(id: string, atMs: number): void
  unsent(createdBeforeMs: number, limit: number): Array<{ id: string; deviceId: string; payload: string; createdAtMs: number }>
  markDelivered(id: string, deviceId: string, atMs: number): boolean
  undelivered(deviceId: string, limit: number): Array<{ id: string; deviceId: string; payload: string; createdAtMs: number }>
}

/** The care settings in force for a person, as one version: every reading is judged against exactly one. */
export interface CarePlan {
  personId: string
  version: number
  settings: CareSettings
  thresholds: ThresholdInForce[]
}

export interface CarePlans {
  /** The version in force now; undefined for a person who does not exist. */
  current(personId: string): CarePlan | undefined
}

/** Planned absences (in hospital, on holiday): the one in force at a time, if any. */
export interface AbsenceCalendar {
  activeAt(personId: string, atMs: number): Absence | undefined
}
