import type { Alert, AlertHistoryEntry, DeviceEvent, DeviceId } from '../contract/index.js'
import type { NewAlert } from './alert-lifecycle.js'

/** Alerts and their history; `transaction` makes a read-decide-write atomic. */
export interface AlertStore {
  transaction<T>(fn: () => T): T
  findOpen(personId: string, kind: string): Alert | undefined
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
}

/** Commands written in the same transaction as the alert change that causes them. */
export interface CommandOutbox {
  enqueue(command: { id: string; deviceId: string; payload: string; createdAtMs: number }): void
  markSent(id: string, atMs: number): void
  unsent(createdBeforeMs: number, limit: number): Array<{ id: string; deviceId: string; payload: string; createdAtMs: number }>
}
