import pino from 'pino'
import { describe, expect, it } from 'vitest'
import { createCommandReceipts } from '../../../alerting/command-receipts.js'
import type { CommandOutbox } from '../../../alerting/ports.js'

type Row = { id: string; deviceId: string; payload: string; createdAtMs: number; deliveredAtMs?: number }

/** The outbox port over an array, for this module alone. */
function fakeOutbox(rows: Row[]): CommandOutbox {
  return {
    enqueue: (c) => void rows.push(c),
    markSent: () => undefined,
    unsent: () => [],
    markDelivered(id, deviceId, atMs) {
      const row = rows.find((r) => r.id === id && r.deviceId === deviceId && r.deliveredAtMs === undefined)
      if (row) row.deliveredAtMs = atMs
      return row !== undefined
    },
    undelivered: (deviceId) => rows.filter((r) => r.deviceId === deviceId && r.deliveredAtMs === undefined),
  }
}

const command = (id: string, deviceId = 'pendant-1'): Row => ({ id, deviceId, payload: JSON.stringify({ id, type: 'alarm.acknowledged' }), createdAtMs: 1 })

describe('command receipts', () => {
  const setup = (rows: Row[]) => {
    const sent: string[] = []
    const receipts = createCommandReceipts({ outbox: fakeOutbox(rows), clock: { now: () => 42 }, logger: pino({ level: 'silent' }), send: (c) => void sent.push(c.id) })
    return { receipts, sent }
  }

  it("counts a command delivered when its own device acknowledges it, and not another's", () => {
    const rows = [command('c-1'), command('c-2', 'pendant-2')]
    const { receipts } = setup(rows)
    receipts.delivered('pendant-1', Buffer.from(rows[1]?.payload ?? ''))
    expect(rows.map((r) => r.deliveredAtMs)).toEqual([undefined, undefined])
    receipts.delivered('pendant-1', Buffer.from(rows[0]?.payload ?? ''))
    expect(rows.map((r) => r.deliveredAtMs)).toEqual([42, undefined])
  })

  it('ignores acknowledgements of anything that is not one of its commands', () => {
    const rows = [command('c-1')]
    const { receipts } = setup(rows)
    receipts.delivered('pendant-1', Buffer.from('not json'))
    receipts.delivered('pendant-1', Buffer.from('{"id": 7}'))
    expect(rows[0]?.deliveredAtMs).toBeUndefined()
  })

  it("sends again, on subscribing, what the device has not acknowledged and its session no longer holds", () => {
    const rows = [command('c-1'), command('c-2'), command('c-3')]
    rows[2] = { ...rows[2] as Row, deliveredAtMs: 5 }
    const { receipts, sent } = setup(rows)
    receipts.subscribed('pendant-1', [Buffer.from(rows[1]?.payload ?? '')])
    expect(sent).toEqual(['c-1'])
  })

  it('keeps going when the outbox cannot be written (the disk full), and settles the command on the next acknowledgement', () => {
    const rows = [command('c-1')]
    const outbox = fakeOutbox(rows)
    let full = true
    const markDelivered = outbox.markDelivered.bind(outbox)
    outbox.markDelivered = (...args) => {
      if (full) throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' })
      return markDelivered(...args)
    }
    const errors: string[] = []
    const logger = pino({ level: 'error' }, { write: (line: string) => void errors.push((JSON.parse(line) as { msg: string }).msg) })
    const receipts = createCommandReceipts({ outbox, clock: { now: () => 42 }, logger, send: () => undefined })
    expect(() => receipts.delivered('pendant-1', Buffer.from(rows[0]?.payload ?? ''))).not.toThrow()
    expect(errors).toEqual(['command delivered but not marked delivered'])
    expect(rows[0]?.deliveredAtMs).toBeUndefined()
    full = false
    receipts.delivered('pendant-1', Buffer.from(rows[0]?.payload ?? ''))
    expect(rows[0]?.deliveredAtMs).toBe(42)
  })
})
