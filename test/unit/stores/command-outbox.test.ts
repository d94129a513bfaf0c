import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createCommandOutbox, type OutboxCommand } from '../../../stores/command-outbox.js'
import { openDatabase, type SqliteDatabase } from '../../../stores/open-database.js'
import { OPERATIONAL_MIGRATIONS } from '../../../stores/operational-schema.js'
import { removeDir, tempDir } from '../../../harness/test-platform.js'

const T0 = Date.parse('2026-11-20T08:00:00Z')
const SECOND = 1000
const NO_LIMIT = Number.MAX_SAFE_INTEGER

const command = (id: string, deviceId: string, createdAtMs: number, type = 'alarm.acknowledged'): OutboxCommand => ({
  id,
  deviceId,
  payload: JSON.stringify({ id, type, ts: createdAtMs / 1000 }),
  createdAtMs,
})

describe('command outbox', () => {
  let dir: string
  let file: string
  let db: SqliteDatabase
  let outbox: ReturnType<typeof createCommandOutbox>

  const open = (): SqliteDatabase => openDatabase(file, OPERATIONAL_MIGRATIONS, { synchronous: 'FULL' })
  const ids = (commands: OutboxCommand[]): string[] => commands.map((c) => c.id)

  beforeEach(() => {
    dir = tempDir('hearth-outbox-')
    file = join(dir, 'hearth.db')
    db = open()
    outbox = createCommandOutbox(db)
  })
  afterEach(() => {
    db.close()
    removeDir(dir)
  })

  describe('unsent', () => {
    it('hands out every queued command as written, oldest first, until the broker has taken it', () => {
      const acknowledged = command('c-1', 'pendant-1', T0)
      const resolved = command('c-2', 'pendant-1', T0 + SECOND, 'alarm.resolved')
      outbox.enqueue(resolved)
      outbox.enqueue(acknowledged)
      expect(outbox.unsent(NO_LIMIT, 10)).toEqual([acknowledged, resolved])
      outbox.markSent('c-1', T0 + 2 * SECOND)
      expect(outbox.unsent(NO_LIMIT, 10)).toEqual([resolved])
    })

    it('keeps two commands queued in the same millisecond in the order they were queued', () => {
      for (const [i, type] of ['alarm.acknowledged', 'alarm.resolved', 'alarm.acknowledged'].entries()) outbox.enqueue(command(`c-${9 - i}`, 'pendant-1', T0, type))
      expect(ids(outbox.unsent(NO_LIMIT, 10))).toEqual(['c-9', 'c-8', 'c-7'])
      expect(ids(outbox.undelivered('pendant-1', 10))).toEqual(['c-9', 'c-8', 'c-7'])
    })

    it('leaves out commands created after the time asked for, and hands out no more than the limit', () => {
      outbox.enqueue(command('c-1', 'pendant-1', T0))
      outbox.enqueue(command('c-2', 'pendant-2', T0 + SECOND))
      outbox.enqueue(command('c-3', 'pendant-1', T0 + 2 * SECOND))
      expect(ids(outbox.unsent(T0 + SECOND, 10))).toEqual(['c-1', 'c-2'])
      expect(ids(outbox.unsent(T0 + SECOND - 1, 10))).toEqual(['c-1'])
      expect(ids(outbox.unsent(T0 - 1, 10))).toEqual([])
      expect(ids(outbox.unsent(NO_LIMIT, 2))).toEqual(['c-1', 'c-2'])
    })

    it('does not send again a command its device has already acknowledged', () => {
      outbox.enqueue(command('c-1', 'pendant-1', T0))
      outbox.enqueue(command('c-2', 'pendant-1', T0 + SECOND))
      // The device acknowledged c-1, but the broker's acknowledgement to Hearth was lost with its connection.
      expect(outbox.markDelivered('c-1', 'pendant-1', T0 + 2 * SECOND)).toBe(true)
      expect(ids(outbox.unsent(NO_LIMIT, 10))).toEqual(['c-2'])
    })

    it('refuses a second command with an id already queued, and keeps the first', () => {
      const first = command('c-1', 'pendant-1', T0)
      outbox.enqueue(first)
      expect(() => outbox.enqueue(command('c-1', 'pendant-2', T0 + SECOND, 'alarm.resolved'))).toThrow()
      expect(outbox.unsent(NO_LIMIT, 10)).toEqual([first])
    })

    it('still has what was queued and not sent after the database is closed and opened again', () => {
      outbox.enqueue(command('c-1', 'pendant-1', T0))
      outbox.enqueue(command('c-2', 'pendant-1', T0 + SECOND))
      outbox.markSent('c-1', T0 + 2 * SECOND)
      db.close()
      db = open()
      outbox = createCommandOutbox(db)
      expect(ids(outbox.unsent(NO_LIMIT, 10))).toEqual(['c-2'])
      expect(ids(outbox.undelivered('pendant-1', 10))).toEqual(['c-1', 'c-2'])
    })
  })

  describe('delivery', () => {
    it("keeps a sent command undelivered until its device acknowledges it, oldest first, each device's own", () => {
      outbox.enqueue(command('c-1', 'pendant-1', T0))
      outbox.enqueue(command('c-2', 'pendant-2', T0 + SECOND))
      outbox.enqueue(command('c-3', 'pendant-1', T0 + 2 * SECOND, 'alarm.resolved'))
      for (const id of ['c-1', 'c-2', 'c-3']) outbox.markSent(id, T0 + 3 * SECOND)
      expect(outbox.undelivered('pendant-1', 10)).toEqual([command('c-1', 'pendant-1', T0), command('c-3', 'pendant-1', T0 + 2 * SECOND, 'alarm.resolved')])
      expect(ids(outbox.undelivered('pendant-2', 10))).toEqual(['c-2'])
      expect(ids(outbox.undelivered('pendant-1', 1))).toEqual(['c-1'])
      expect(outbox.undelivered('pendant-9', 10)).toEqual([])
    })

    it('counts a command delivered once, and only when its own device acknowledges it', () => {
      outbox.enqueue(command('c-1', 'pendant-1', T0))
      outbox.enqueue(command('c-2', 'pendant-1', T0 + SECOND))
      expect(outbox.markDelivered('c-1', 'pendant-2', T0 + 2 * SECOND)).toBe(false)
      expect(ids(outbox.undelivered('pendant-1', 10))).toEqual(['c-1', 'c-2'])
      expect(outbox.markDelivered('c-1', 'pendant-1', T0 + 3 * SECOND)).toBe(true)
      expect(outbox.markDelivered('c-1', 'pendant-1', T0 + 4 * SECOND)).toBe(false)
      expect(ids(outbox.undelivered('pendant-1', 10))).toEqual(['c-2'])
      expect(outbox.markDelivered('c-9', 'pendant-1', T0)).toBe(false)
    })

    it('marks only the command named as sent', () => {
      outbox.enqueue(command('c-1', 'pendant-1', T0))
      outbox.enqueue(command('c-2', 'pendant-1', T0 + SECOND))
      outbox.markSent('c-2', T0 + 2 * SECOND)
      outbox.markSent('c-9', T0 + 2 * SECOND)
      expect(ids(outbox.unsent(NO_LIMIT, 10))).toEqual(['c-1'])
    })
  })
})
