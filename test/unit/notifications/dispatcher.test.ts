import { join } from 'node:path'
import pino from 'pino'
import { Registry } from 'prom-client'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ManualClock, removeDir, tempDir } from '../../../harness/test-platform.js'
import { createDispatcher, type Sender } from '../../../notifications/dispatcher.js'
import { GIVE_UP_AFTER_MS, RETRY_SCHEDULE_MS } from '../../../notifications/retry-schedule.js'
import { createNotificationOutbox } from '../../../stores/notification-outbox.js'
import { openDatabase, type SqliteDatabase } from '../../../stores/open-database.js'
import { OPERATIONAL_MIGRATIONS } from '../../../stores/operational-schema.js'

const T0 = Date.parse('2026-11-29T08:00:00Z')
const CONFIG = { maxInFlight: 4, pollIntervalMs: 20, leaseMs: 60_000, retryScheduleMs: RETRY_SCHEDULE_MS, closeGraceMs: 50, keepFinishedMs: 7 * 86_400_000 }

describe('notification dispatcher', () => {
  let dir: string
  let db: SqliteDatabase
  let metrics: Registry
  let clock = new ManualClock(T0)

  const row = (id: string) =>
    db.prepare('SELECT attempts, leased_until, delivered_at, failed_at, last_error FROM notifications WHERE id = ?').get(id) as {
      attempts: number
      leased_until: number | null
      delivered_at: number | null
      failed_at: number | null
      last_error: string | null
    }
  const dispatcher = (send: Sender) => createDispatcher(CONFIG, { logger: pino({ level: 'silent' }), metrics, clock, outbox: createNotificationOutbox(db), senders: { email: send }, random: () => 0.5 })
  const enqueue = (id: string): void => {
    createNotificationOutbox(db).enqueue({ id, key: id, channel: 'email', webhookId: null, payload: '{}', createdAtMs: clock.now() }, clock.now())
  }

  beforeEach(() => {
    dir = tempDir('hearth-dispatcher-')
    db = openDatabase(join(dir, 'hearth.db'), OPERATIONAL_MIGRATIONS, { synchronous: 'NORMAL' })
    metrics = new Registry()
    clock = new ManualClock(T0)
  })
  afterEach(() => {
    db.close()
    removeDir(dir)
  })

  it('tries a failing message on the schedule until a day has passed, then gives it up and counts it', async () => {
    const attemptsAt: number[] = []
    const running = dispatcher((_message) => {
      attemptsAt.push(clock.now())
      return Promise.resolve({ kind: 'retry', error: 'answered HTTP 503' })
    })
    enqueue('msg_1')
    await running.start()
    await expect.poll(() => attemptsAt.length).toBe(1)
    for (;;) {
      // Each attempt's outcome is written before the clock moves on to the next.
      await expect.poll(() => row('msg_1').attempts).toBe(attemptsAt.length)
      if (row('msg_1').failed_at !== null) break
      clock.set((db.prepare('SELECT next_attempt_at AS at FROM notifications WHERE id = ?').get('msg_1') as { at: number }).at)
      running.wake()
      await expect.poll(() => attemptsAt.length).toBe(row('msg_1').attempts + 1)
    }
    await running.close()
    // 5 s, 30 s, 2 min, 10 min, 30 min, then hourly: the first tries at these gaps, the last at the day's end.
    expect(attemptsAt.slice(1, 7).map((at, i) => at - attemptsAt[i]!)).toEqual([5_000, 30_000, 120_000, 600_000, 1_800_000, 3_600_000])
    expect(attemptsAt.at(-1)).toBe(T0 + GIVE_UP_AFTER_MS)
    expect(row('msg_1')).toMatchObject({ failed_at: T0 + GIVE_UP_AFTER_MS, last_error: 'answered HTTP 503' })
    expect(await metrics.getSingleMetricAsString('hearth_notifications_failed_total')).toContain('hearth_notifications_failed_total{channel="email",reason="expired"} 1')
  })

  it('gives back the lease of a send cut short at close, and sends it at the next start under the same id', async () => {
    let started = 0
    const hanging = dispatcher(
      (_message, signal) =>
        new Promise((resolve) => {
          started += 1
          signal.addEventListener('abort', () => resolve({ kind: 'retry', error: 'aborted' }))
        }),
    )
    enqueue('msg_2')
    await hanging.start()
    await expect.poll(() => started).toBe(1)
    expect(row('msg_2').leased_until).not.toBeNull()
    await hanging.close()
    expect(row('msg_2')).toMatchObject({ attempts: 0, leased_until: null, delivered_at: null, failed_at: null })

    metrics = new Registry()
    const sent: string[] = []
    const next = dispatcher((message) => {
      sent.push(message.id)
      return Promise.resolve({ kind: 'delivered' })
    })
    await next.start()
    await expect.poll(() => row('msg_2').delivered_at).toBe(T0)
    await next.close()
    expect(sent).toEqual(['msg_2'])
  })
})
