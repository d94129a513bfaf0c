import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ReadingsStore, StoredReading } from '../../stores/readings-store.js'
import { createInfluxReadingsStore } from '../../stores/influx-readings-store.js'
import { createSqliteReadingsStore } from '../../stores/sqlite-readings-store.js'
import { startInfluxd, type Influxd } from '../helpers/influxd.js'
import { removeDir, tempDir } from '../helpers/test-platform.js'

const T0 = Date.parse('2026-11-20T08:00:00Z')
const MINUTE = 60_000

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
      expect(await store.latest(p)).toEqual([
        { metric: 'heart_rate', value: 75, at: '2026-11-20T08:01:00.000Z' },
        { metric: 'on_oxygen', value: 1, at: '2026-11-20T08:00:00.000Z' },
        { metric: 'spo2', value: 97, at: '2026-11-20T08:02:00.000Z' },
      ])
      expect(await store.latest(person())).toEqual([])
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
    store: createInfluxReadingsStore({ url: influxd.url, database: 'hearth_contract', requestTimeoutMs: 10_000 }),
    teardown: () => influxd.destroy(),
  }
})
