import type { DeviceEvent, DeviceId } from '../contract/index.js'
import type { SqliteDatabase } from './open-database.js'

export interface JournalEntry {
  deviceId: DeviceId
  event: DeviceEvent
  receivedAtMs: number
}

interface Row {
  device_id: string
  event_id: string
  type: DeviceEvent['type']
  ts: number | null
  data: string
  received_at: number
}

function toEntry(row: Row): JournalEntry {
  const event: DeviceEvent = { id: row.event_id, type: row.type, data: JSON.parse(row.data) as Record<string, unknown> }
  if (row.ts !== null) event.ts = row.ts
  return { deviceId: row.device_id as DeviceId, event, receivedAtMs: row.received_at }
}

/** Every device event, keyed by device and event id: the durable inbox behind idempotent processing. */
export function createEventJournal(db: SqliteDatabase) {
  const insert = db.prepare(
    'INSERT OR IGNORE INTO device_events (device_id, event_id, type, ts, data, received_at) VALUES (?, ?, ?, ?, ?, ?)',
  )
  const recorded = db.prepare<[string, string], { type: DeviceEvent['type']; received_at: number; processed_at: number | null }>(
    'SELECT type, received_at, processed_at FROM device_events WHERE device_id = ? AND event_id = ?',
  )
  const markProcessed = db.prepare('UPDATE device_events SET processed_at = ? WHERE device_id = ? AND event_id = ?')
  const pending = db.prepare<[number], Row>(
    'SELECT * FROM device_events WHERE processed_at IS NULL ORDER BY received_at LIMIT ?',
  )
  const forDevices = db.prepare<[string, number], Row>(
    `SELECT * FROM device_events WHERE device_id IN (SELECT value FROM json_each(?)) ORDER BY received_at DESC LIMIT ?`,
  )
  const lastActivity = db.prepare<[string], { person_id: string; at: number }>(
    `SELECT devices.person_id AS person_id, MAX(device_events.received_at) AS at FROM device_events
       JOIN devices ON devices.id = device_events.device_id
      WHERE device_events.type IN (SELECT value FROM json_each(?)) GROUP BY devices.person_id`,
  )
  return {
    /** When each person last showed activity, by the event types that count as activity. */
    lastActivityByPerson(types: readonly string[]): Map<string, number> {
      return new Map(lastActivity.all(JSON.stringify(types)).map((r) => [r.person_id, r.at]))
    },
    /** Records an event unless this device already sent one with the same id. */
    record(deviceId: DeviceId, event: DeviceEvent, receivedAtMs: number): void {
      insert.run(deviceId, event.id, event.type, event.ts ?? null, JSON.stringify(event.data), receivedAtMs)
    },
    recorded(deviceId: DeviceId, eventId: string): { type: DeviceEvent['type']; receivedAtMs: number; processed: boolean } | undefined {
      const row = recorded.get(deviceId, eventId)
      return row ? { type: row.type, receivedAtMs: row.received_at, processed: row.processed_at !== null } : undefined
    },
    markProcessed(deviceId: DeviceId, eventId: string, atMs: number): void {
      markProcessed.run(atMs, deviceId, eventId)
    },
    pending(limit: number): JournalEntry[] {
      return pending.all(limit).map(toEntry)
    },
    recentForDevices(deviceIds: readonly string[], limit: number): JournalEntry[] {
      return forDevices.all(JSON.stringify(deviceIds), limit).map(toEntry)
    },
  }
}
export type EventJournalRepository = ReturnType<typeof createEventJournal>
