import type { DeviceEvent, DeviceId, JournalOutcome } from '../contract/index.js'
import type { SqliteDatabase } from './open-database.js'

/** An event id seen again after this long is taken as a new event, not a redelivery. */
const ID_REUSE_AFTER_MS = 24 * 3_600_000

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
  // Each event stays with the person whose device sent it, should the device move to someone else.
  const insert = db.prepare(
    `INSERT OR IGNORE INTO device_events (device_id, event_id, type, ts, data, received_at, person_id)
       VALUES (?, ?, ?, ?, ?, ?, (SELECT person_id FROM devices WHERE id = ?))`,
  )
  const recorded = db.prepare<[string, string], { type: DeviceEvent['type']; received_at: number; processed_at: number | null }>(
    'SELECT type, received_at, processed_at FROM device_events WHERE device_id = ? AND event_id = ?',
  )
  // The newest event recorded under this id, or under it as reused (`<id>~<received ms>`).
  const newestUnder = db.prepare<[string, string, string], { event_id: string; type: DeviceEvent['type']; received_at: number }>(
    `SELECT event_id, type, received_at FROM device_events WHERE device_id = ? AND (event_id = ? OR event_id LIKE ? ESCAPE '\\')
      ORDER BY received_at DESC LIMIT 1`,
  )
  const markProcessed = db.prepare('UPDATE device_events SET processed_at = ? WHERE device_id = ? AND event_id = ?')
  const pending = db.prepare<[number], Row>(
    'SELECT * FROM device_events WHERE processed_at IS NULL ORDER BY received_at LIMIT ?',
  )
  const forPerson = db.prepare<[string, number], Row>('SELECT * FROM device_events WHERE person_id = ? ORDER BY received_at DESC LIMIT ?')
  const lastActivity = db.prepare<[string], { person_id: string; at: number }>(
    `SELECT person_id, MAX(received_at) AS at FROM device_events
      WHERE person_id IS NOT NULL AND type IN (SELECT value FROM json_each(?)) GROUP BY person_id`,
  )
  return {
    /** When each person last showed activity, by the event types that count as activity. */
    lastActivityByPerson(types: readonly string[]): Map<string, number> {
      return new Map(lastActivity.all(JSON.stringify(types)).map((r) => [r.person_id, r.at]))
    },
    /**
     * Records an event once. The same device and id again, of the same type within a day, is a
     * redelivery and is not recorded again; the same id for another type, or later, is a device
     * whose counter started again (a reset, a reflash): recorded as a new event under
     * `<id>~<received ms>`, so that its alarm still counts.
     */
    record(deviceId: DeviceId, event: DeviceEvent, receivedAtMs: number): { event: DeviceEvent; outcome: JournalOutcome } {
      const before = newestUnder.get(deviceId, event.id, `${event.id.replace(/[\\%_]/g, (c) => `\\${c}`)}~%`)
      // A redelivery of an event kept under a new id is that event again.
      if (before && before.type === event.type && receivedAtMs - before.received_at < ID_REUSE_AFTER_MS) return { event: { ...event, id: before.event_id }, outcome: 'redelivery' }
      const kept = before ? { ...event, id: `${event.id}~${receivedAtMs}` } : event
      insert.run(deviceId, kept.id, kept.type, kept.ts ?? null, JSON.stringify(kept.data), receivedAtMs, deviceId)
      return { event: kept, outcome: before ? 'id-reused' : 'new' }
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
    /** What the person's devices sent while they were theirs, newest first. */
    recentForPerson(personId: string, limit: number): JournalEntry[] {
      return forPerson.all(personId, limit).map(toEntry)
    },
  }
}
