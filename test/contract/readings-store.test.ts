import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { InfluxDB } from 'influx'
import { Registry } from 'prom-client'
import { RejectedBatchError, type ReadingsStore, type StoredReading } from '../../stores/readings-store.js'
import { createInfluxReadingsStore } from '../../stores/influx-readings-store.js'
import { createSqliteReadingsStore } from '../../stores/sqlite-readings-store.js'
import { createSpooledReadingsStore } from '../../stores/spooled-readings-store.js'
import { createLogger } from '../../platform/logger.js'
import { startInfluxd, type Influxd } from '../../harness/influxd.js'
import { removeDir, tempDir } from '../../harness/test-platform.js'

const T0 = Date.parse('2026-11-20T08:00:00Z')
const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * 60 * MINUTE
const RETENTION = { rawRetentionMs: 3650 * DAY, rollupRetentionMs: 3650 * DAY }

function reading(personId: string, metric: StoredReading['metric'], value: number, atMs: number, deviceId = 'wrist-1'): StoredReading {
  return { personId, deviceId, metric, value, atMs, receivedAtMs: atMs + 150 }
}

/** One suite, run against every implementation of the port. */
function readingsStoreContract(name: string, setup: () => Promise<{ store: ReadingsStore; teardown: () => Promise<void> }>): void {
  describe(`readings store contract: ${name}`, () => {
    let store: ReadingsStore
    let teardown: () => Promise<void>
    // Each test writes under its own person, so tests do not see each other's data.
    let n = 0
    const person = (): string => `p-${name}-${++n}`

    beforeAll(async () => {
      ;({ store, teardown } = await setup())
      await store.start()
    })
    afterAll(async () => {
      await store.close()
      await teardown()
    })

    it('answers buckets with mean, min, max and count, starting at from', async () => {
      const p = person()
      await store.writeBatch([
        reading(p, 'heart_rate', 60, T0),
        reading(p, 'heart_rate', 80, T0 + 30_000),
        reading(p, 'heart_rate', 100, T0 + MINUTE + 5_000),
        reading(p, 'heart_rate', 999, T0 + 10 * MINUTE),
      ])
      const points = await store.series({ personId: p, metric: 'heart_rate', fromMs: T0, toMs: T0 + 2 * MINUTE, everyMs: MINUTE }, 100)
      expect(points).toEqual([
        { t: '2026-11-20T08:00:00.000Z', mean: 70, min: 60, max: 80, count: 2 },
        { t: '2026-11-20T08:01:00.000Z', mean: 100, min: 100, max: 100, count: 1 },
      ])
    })

    it('aligns buckets to a from that is not on a bucket boundary', async () => {
      const p = person()
      const from = T0 + 20_000
      await store.writeBatch([reading(p, 'spo2', 95, from + 1_000), reading(p, 'spo2', 97, from + 59_000), reading(p, 'spo2', 91, from + 61_000)])
      const points = await store.series({ personId: p, metric: 'spo2', fromMs: from, toMs: from + 2 * MINUTE, everyMs: MINUTE }, 100)
      expect(points.map((x) => [x.t, x.mean, x.count])).toEqual([
        ['2026-11-20T08:00:20.000Z', 96, 2],
        ['2026-11-20T08:01:20.000Z', 91, 1],
      ])
    })

    it('keeps people and metrics apart and skips empty buckets', async () => {
      const [a, b] = [person(), person()]
      await store.writeBatch([reading(a, 'body_temperature', 36.5, T0), reading(b, 'body_temperature', 39, T0), reading(a, 'spo2', 96, T0), reading(a, 'body_temperature', 37.5, T0 + 5 * MINUTE)])
      const points = await store.series({ personId: a, metric: 'body_temperature', fromMs: T0, toMs: T0 + 10 * MINUTE, everyMs: MINUTE }, 100)
      expect(points.map((x) => [x.t, x.mean])).toEqual([
        ['2026-11-20T08:00:00.000Z', 36.5],
        ['2026-11-20T08:05:00.000Z', 37.5],
      ])
    })

    it('returns at most maxPoints buckets', async () => {
      const p = person()
      await store.writeBatch(Array.from({ length: 10 }, (_, i) => reading(p, 'steps', i, T0 + i * MINUTE)))
      const points = await store.series({ personId: p, metric: 'steps', fromMs: T0, toMs: T0 + 10 * MINUTE, everyMs: MINUTE }, 3)
      expect(points.map((x) => x.mean)).toEqual([0, 1, 2])
    })

    it('gives the latest value of each metric for a person, across devices', async () => {
      const p = person()
      await store.writeBatch([
        reading(p, 'heart_rate', 70, T0, 'wrist-1'),
        reading(p, 'heart_rate', 75, T0 + MINUTE, 'wrist-2'),
        reading(p, 'spo2', 97, T0 + 2 * MINUTE),
        reading(p, 'on_oxygen', 1, T0),
      ])
      expect(await store.latest(p, T0 + HOUR)).toEqual([
        { metric: 'heart_rate', value: 75, at: '2026-11-20T08:01:00.000Z' },
        { metric: 'on_oxygen', value: 1, at: '2026-11-20T08:00:00.000Z' },
        { metric: 'spo2', value: 97, at: '2026-11-20T08:02:00.000Z' },
      ])
      expect(await store.latest(person(), T0 + HOUR)).toEqual([])
    })

    it('gives, of two readings a device took at the same moment, the one stored last as the latest', async () => {
      const p = person()
      await store.writeBatch([reading(p, 'heart_rate', 70, T0), reading(p, 'heart_rate', 72, T0 + 1000)])
      await store.writeBatch([reading(p, 'heart_rate', 71, T0 + 1000)])
      expect(await store.latest(p, T0 + HOUR)).toEqual([{ metric: 'heart_rate', value: 71, at: '2026-11-20T08:00:01.000Z' }])
    })

    it('never shows a reading dated far ahead as the latest, even if one was stored', async () => {
      const p = person()
      await store.writeBatch([reading(p, 'heart_rate', 70, T0), reading(p, 'heart_rate', 190, Date.UTC(2100, 0, 1))])
      expect(await store.latest(p, T0 + HOUR)).toEqual([{ metric: 'heart_rate', value: 70, at: '2026-11-20T08:00:00.000Z' }])
    })

    it('stores a batch written again after a stop once: it keeps the log position with the batch, or writes over the same points', async () => {
      const p = person()
      const batch = [reading(p, 'heart_rate', 70, T0), reading(p, 'heart_rate', 72, T0 + 1000)]
      await store.writeBatch(batch, 1234)
      const position = await store.logPosition()
      // Ingest reads on from the recorded position; a store that records none is sent the batch again.
      if (position === undefined) await store.writeBatch(batch, 1234)
      else expect(position).toBe(1234)
      const points = await store.series({ personId: p, metric: 'heart_rate', fromMs: T0, toMs: T0 + HOUR, everyMs: HOUR }, 10)
      expect(points).toEqual([expect.objectContaining({ count: 2, mean: 71 })])
    })

    it('stores a reading sent again (the same device, metric and time) once, with the value sent last, in raw and minute series alike', async () => {
      const p = person()
      await store.writeBatch([reading(p, 'heart_rate', 70, T0), reading(p, 'heart_rate', 80, T0 + 1000)])
      await store.writeBatch([reading(p, 'heart_rate', 70, T0), reading(p, 'heart_rate', 90, T0 + 1000), reading(p, 'heart_rate', 70, T0, 'wrist-2')])
      const raw = await store.series({ personId: p, metric: 'heart_rate', fromMs: T0 - 500, toMs: T0 + HOUR, everyMs: HOUR }, 10)
      const minutes = await store.series({ personId: p, metric: 'heart_rate', fromMs: T0, toMs: T0 + HOUR, everyMs: MINUTE }, 10)
      for (const points of [raw, minutes]) expect(points).toEqual([expect.objectContaining({ count: 3, min: 70, max: 90 })])
    })

    it('stores a batch of 5,000 readings whole', async () => {
      const p = person()
      await store.writeBatch(Array.from({ length: 5000 }, (_, i) => reading(p, 'heart_rate', 60 + (i % 40), T0 + i * 1000)))
      const points = await store.series({ personId: p, metric: 'heart_rate', fromMs: T0, toMs: T0 + 5000 * 1000, everyMs: 5000 * 1000 }, 10)
      expect(points).toEqual([expect.objectContaining({ count: 5000, min: 60, max: 99 })])
    })
  })
}

readingsStoreContract('embedded', () => {
  const dir = tempDir()
  return Promise.resolve({ store: createSqliteReadingsStore(join(dir, 'readings.db')), teardown: () => Promise.resolve(removeDir(dir)) })
})

let influxd: Influxd
readingsStoreContract('influxdb', async () => {
  influxd = await startInfluxd()
  return {
    store: createInfluxReadingsStore({ url: influxd.url, database: 'hearth_contract', requestTimeoutMs: 10_000, retention: RETENTION }),
    teardown: () => influxd.destroy(),
  }
})

describe('retention on the embedded store', () => {
  const dir = tempDir()
  const store = createSqliteReadingsStore(join(dir, 'readings.db'))
  const NOW = Date.parse('2026-11-22T12:00:00Z')
  const policy = { rawRetentionMs: 30 * DAY, rollupRetentionMs: 365 * DAY }

  beforeAll(() => store.start())
  afterAll(async () => {
    await store.close()
    removeDir(dir)
  })

  it('rolls readings older than the raw period into hours, removes them, and still answers series over that time', async () => {
    const old = NOW - 40 * DAY
    const oldHour = Math.floor(old / (60 * MINUTE)) * 60 * MINUTE
    await store.writeBatch([
      reading('p-ret', 'heart_rate', 60, oldHour + MINUTE),
      reading('p-ret', 'heart_rate', 90, oldHour + 2 * MINUTE),
      reading('p-ret', 'heart_rate', 75, NOW - DAY),
      reading('p-ret', 'heart_rate', 50, NOW - 400 * DAY),
    ])
    const result = await store.applyRetention(NOW, policy)
    expect(result.rolledUp).toBe(3)
    expect(store.count()).toBe(1)
    const history = await store.series({ personId: 'p-ret', metric: 'heart_rate', fromMs: oldHour, toMs: NOW, everyMs: DAY }, 100)
    expect(history[0]).toEqual({ t: new Date(oldHour).toISOString(), mean: 75, min: 60, max: 90, count: 2 })
    expect(history.at(-1)?.count).toBe(1)
    // The reading from 400 days ago was rolled up and then fell outside the rollup period too.
    const ancient = await store.series({ personId: 'p-ret', metric: 'heart_rate', fromMs: NOW - 500 * DAY, toMs: NOW - 300 * DAY, everyMs: DAY }, 100)
    expect(ancient).toEqual([])
  })

  it('folds a second pass into the same hour instead of duplicating it', async () => {
    const hour = Math.floor((NOW - 35 * DAY) / (60 * MINUTE)) * 60 * MINUTE
    await store.writeBatch([reading('p-ret2', 'spo2', 94, hour + MINUTE)])
    await store.applyRetention(NOW, policy)
    await store.writeBatch([reading('p-ret2', 'spo2', 98, hour + 3 * MINUTE)])
    await store.applyRetention(NOW, policy)
    const points = await store.series({ personId: 'p-ret2', metric: 'spo2', fromMs: hour, toMs: hour + DAY, everyMs: DAY }, 10)
    expect(points).toEqual([{ t: new Date(hour).toISOString(), mean: 96, min: 94, max: 98, count: 2 }])
  })
})

describe('retention on InfluxDB', () => {
  let server: Influxd
  beforeAll(async () => {
    server = await startInfluxd()
  })
  afterAll(() => server.destroy())

  it('stores the rest of a batch InfluxDB partly refuses, and says how many readings it dropped', async () => {
    const store = createInfluxReadingsStore({ url: server.url, database: 'hearth_partial', requestTimeoutMs: 10_000, retention: { rawRetentionMs: 2 * DAY, rollupRetentionMs: 30 * DAY } })
    await store.start()
    const now = Date.now()
    const refused: unknown = await store
      .writeBatch([reading('p-part', 'spo2', 95, now - 5 * DAY), reading('p-part', 'spo2', 96, now - MINUTE), reading('p-part', 'spo2', 97, now)])
      .catch((error: unknown) => error)
    expect(refused).toBeInstanceOf(RejectedBatchError)
    expect((refused as RejectedBatchError).dropped).toBe(1)
    expect(await store.latest('p-part', now)).toEqual([{ metric: 'spo2', value: 97, at: new Date(now).toISOString() }])
    const points = await store.series({ personId: 'p-part', metric: 'spo2', fromMs: now - HOUR, toMs: now + MINUTE, everyMs: 2 * HOUR }, 10)
    expect(points.reduce((sum, p) => sum + p.count, 0)).toBe(2)
    await store.close()
  })

  it('keeps raw points in a default policy of the raw period, rolls them up hourly, and refuses older points for good', async () => {
    const store = createInfluxReadingsStore({ url: server.url, database: 'hearth_retention', requestTimeoutMs: 10_000, retention: { rawRetentionMs: 2 * DAY, rollupRetentionMs: 30 * DAY } })
    await store.start()
    const influx = new InfluxDB({ host: '127.0.0.1', port: Number(new URL(server.url).port), database: 'hearth_retention' })
    const policies = await influx.showRetentionPolicies()
    expect(policies.map((p) => [p.name, p.duration, p.default])).toEqual(
      expect.arrayContaining([
        ['hearth_raw', '48h0m0s', true],
        ['hearth_rollup', '720h0m0s', false],
      ]),
    )
    expect((await influx.showContinousQueries()).map((q) => q.name)).toContain('hearth_hourly')
    await expect(store.writeBatch([reading('p-old', 'spo2', 95, Date.now() - 5 * DAY)])).rejects.toBeInstanceOf(RejectedBatchError)

    // What the continuous query leaves behind for older time answers series there, beside raw points.
    const hour = Math.floor((Date.now() - 5 * DAY) / (60 * MINUTE)) * 60 * MINUTE
    await influx.writePoints([{ measurement: 'spo2', tags: { person_id: 'p-old', device_id: 'wrist-1' }, fields: { sum: 190, min: 94, max: 96, count: 2 }, timestamp: hour }], { retentionPolicy: 'hearth_rollup', precision: 'ms' })
    await store.writeBatch([reading('p-old', 'spo2', 97, Date.now() - DAY)])
    const from = hour
    const points = await store.series({ personId: 'p-old', metric: 'spo2', fromMs: from, toMs: Date.now(), everyMs: 10 * DAY }, 10)
    expect(points).toEqual([{ t: new Date(from).toISOString(), mean: 287 / 3, min: 94, max: 97, count: 3 }])
    await store.close()
  })
})

describe('the spool in front of InfluxDB keeps the log position', () => {
  const dirs: string[] = []
  let server: Influxd
  beforeAll(async () => {
    server = await startInfluxd()
  })
  afterAll(async () => {
    await server.destroy()
    for (const dir of dirs) removeDir(dir)
  })

  const spooled = (url: string) => {
    const dir = tempDir()
    dirs.push(dir)
    const inner = createInfluxReadingsStore({ url, database: 'hearth_spool_position', requestTimeoutMs: 2000, retention: RETENTION })
    const options = () => ({ path: join(dir, 'spool.db'), replayBatch: 100, retryMinMs: 50, retryMaxMs: 200, logger: createLogger('silent'), metrics: new Registry() })
    return { store: createSpooledReadingsStore(inner, options()), reopen: () => createSpooledReadingsStore(inner, options()) }
  }

  it('with a batch InfluxDB took, and with a batch spooled while InfluxDB is away, across a reopen', async () => {
    const up = spooled(server.url)
    await up.store.start()
    await up.store.writeBatch([reading('p-pos', 'spo2', 96, T0)], 100)
    expect(up.store.spooled()).toBe(0)
    expect(await up.store.logPosition()).toBe(100)
    await up.store.close()

    // Nothing listens on port 9: the batch is spooled, and the position with it.
    const away = spooled('http://127.0.0.1:9')
    await away.store.start()
    await away.store.writeBatch([reading('p-pos', 'spo2', 97, T0 + 1000)], 250)
    expect(away.store.spooled()).toBe(1)
    await away.store.close()
    const reopened = away.reopen()
    expect(await reopened.logPosition()).toBe(250)
    await reopened.close()
  })
})
