import type { DeviceEvent, DeviceId, JournalOutcome, TakenEvent } from '../contract/index.js'

/** Looks up a provisioned device's stored secret hash; undefined when the device is unknown or retired. */
export interface DeviceCredentials {
  secretHashOf(deviceId: DeviceId): string | undefined
  /**
   * The secret a rotation replaced, while its grace still runs at `nowMs`, with when the grace
   * ends; asked only when the secret in use did not match. Stores that never rotate leave it out.
   */
  previousSecretOf?(deviceId: DeviceId, nowMs: number): { hash: string; validUntilMs: number } | undefined
}

/**
 * Durably records a device event before the broker acknowledges it (PUBACK), so that an alarm the
 * device was told is delivered survives a crash. Must be synchronous and throw when it cannot record.
 */
export interface EventJournal {
  /** Records the event once; says whether it is new, a redelivery, or a reused id (kept under a new one). */
  record(deviceId: DeviceId, event: DeviceEvent, receivedAtMs: number): { event: DeviceEvent; outcome: JournalOutcome }
}

/**
 * Keeps each readings message on disk before the broker acknowledges it (PUBACK): `done` is called
 * once it is there, or with an error, and then the device is not told it was delivered (the
 * connection closes and the device sends it again). Ingest reads readings from here.
 */
export interface ReadingsLog {
  append(deviceId: DeviceId, receivedAtMs: number, payload: Buffer, done: (error?: Error) => void): void
}

/**
 * Takes each device event the broker accepted (valid or not), parsed once and, when valid,
 * journalled: alerting, in the same process, so that an alarm is handled in the turn of the event
 * loop that read it, never queued behind readings on a loopback connection, and never parsed or
 * journalled again. It must not throw; what it fails to finish the journal still holds.
 */
export type EventSink = (deviceId: DeviceId, taken: TakenEvent, receivedAtMs: number) => void

/**
 * What devices do with their commands: a device acknowledged (PUBACK) a command the broker
 * delivered, or subscribed to its commands topic, with the commands its session still holds (the
 * broker delivers those; any other not yet acknowledged was lost with a session or a restart).
 */
export interface CommandReceipts {
  delivered(deviceId: DeviceId, payload: Buffer): void
  subscribed(deviceId: DeviceId, stillQueued: readonly Buffer[]): void
}
