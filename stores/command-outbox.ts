import type { SqliteDatabase } from './open-database.js'

export interface OutboxCommand {
  id: string
  deviceId: string
  payload: string
  createdAtMs: number
}

/** Commands to devices, kept until the broker has taken them (the transactional outbox pattern). */
export function createCommandOutbox(db: SqliteDatabase) {
  const insert = db.prepare('INSERT INTO device_commands (id, device_id, payload, created_at) VALUES (?, ?, ?, ?)')
  const markSent = db.prepare('UPDATE device_commands SET sent_at = ? WHERE id = ?')
  const unsent = db.prepare<[number, number], { id: string; device_id: string; payload: string; created_at: number }>(
    'SELECT id, device_id, payload, created_at FROM device_commands WHERE sent_at IS NULL AND created_at <= ? ORDER BY created_at LIMIT ?',
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
  }
}
export type CommandOutbox = ReturnType<typeof createCommandOutbox>
