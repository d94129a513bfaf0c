import type { SqliteDatabase } from './open-database.js'

export interface OutboxCommand {
  id: string
  deviceId: string
  payload: string
  createdAtMs: number
}

/**
 * Commands to devices (the transactional outbox pattern): written with the change that causes
 * them, sent once that has committed, marked sent when the broker has taken one and delivered only
 * when the device's session has acknowledged it, so what a restart or a lost session swallowed is
 * sent again when the device next subscribes.
 */
export function createCommandOutbox(db: SqliteDatabase) {
  const insert = db.prepare('INSERT INTO device_commands (id, device_id, payload, created_at) VALUES (?, ?, ?, ?)')
  const markSent = db.prepare('UPDATE device_commands SET sent_at = ? WHERE id = ?')
  // A command its device acknowledged is not sent again, even when the broker's acknowledgement to us was lost.
  const unsent = db.prepare<[number, number], { id: string; device_id: string; payload: string; created_at: number }>(
    'SELECT id, device_id, payload, created_at FROM device_commands WHERE sent_at IS NULL AND delivered_at IS NULL AND created_at <= ? ORDER BY created_at, rowid LIMIT ?',
  )
  const markDelivered = db.prepare('UPDATE device_commands SET delivered_at = ? WHERE id = ? AND device_id = ? AND delivered_at IS NULL')
  const undelivered = db.prepare<[string, number], { id: string; device_id: string; payload: string; created_at: number }>(
    'SELECT id, device_id, payload, created_at FROM device_commands WHERE device_id = ? AND delivered_at IS NULL ORDER BY created_at, rowid LIMIT ?',
  )
  return {
    enqueue(command: OutboxCommand): void {
      insert.run(command.id, command.deviceId, command.payload, command.createdAtMs)
    },
    markSent(id: string, atMs: number): void {
      markSent.run(atMs, id)
    },
    unsent(createdBeforeMs: number, limit: number): OutboxCommand[] {
      return unsent.all(createdBeforeMs, limit).map((r) => ({ id: r.id, deviceId: r.device_id, payload: r.payload, createdAtMs: r.created_at }))
    },
    /** The device acknowledged it; false when it was not that device's, or was already delivered. */
    markDelivered(id: string, deviceId: string, atMs: number): boolean {
      return markDelivered.run(atMs, id, deviceId).changes > 0
    },
    /** The device's commands not yet acknowledged by it, oldest first. */
    undelivered(deviceId: string, limit: number): OutboxCommand[] {
      return undelivered.all(deviceId, limit).map((r) => ({ id: r.id, deviceId: r.device_id, payload: r.payload, createdAtMs: r.created_at }))
    },
  }
}
