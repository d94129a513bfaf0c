import type { MetricName, SeriesPoint } from '../contract/index.js'
import { openDatabase, type SqliteDatabase } from './open-database.js'
import { HOUR_MS, type LatestReading, type ReadingsStore, type SeriesQuery, type StoredReading } from './readings-store.js'
import { READINGS_MIGRATIONS } from './readings-schema.js'

interface BucketRow {
  bucket: number
  mean: number
  min: number
  max: number
  count: number
}

const DAY_MS = 24 * HOUR_MS

function prepare(db: SqliteDatabase) {
  const insert = db.prepare('INSERT INTO readings (person_id, metric, at_ms, value, device_id, received_at_ms) VALUES (?, ?, ?, ?, ?, ?)')
  const rollUp = db.prepare(
    `INSERT INTO readings_hourly (person_id, metric, hour_ms, sum, min, max, count)
       SELECT person_id, metric, (at_ms / ${HOUR_MS}) * ${HOUR_MS} AS hour, SUM(value), MIN(value), MAX(value), COUNT(*)
         FROM readings WHERE at_ms < ? GROUP BY person_id, metric, hour
     ON CONFLICT (person_id, metric, hour_ms) DO UPDATE SET sum = sum + excluded.sum, min = MIN(min, excluded.min),
       max = MAX(max, excluded.max), count = count + excluded.count`,
  )
  const removeRaw = db.prepare('DELETE FROM readings WHERE at_ms < ?')
  const removeRollups = db.prepare('DELETE FROM readings_hourly WHERE hour_ms < ?')
  return {
    writeBatch: db.transaction((readings: readonly StoredReading[]) => {
      for (const r of readings) insert.run(r.personId, r.metric, Math.round(r.atMs), r.value, r.deviceId, r.receivedAtMs)
    }),
    // Raw readings and hourly rollups (what retention left of older time) answer together.
    // Numbers bind as REAL; the CAST floors the bucket index (t >= from, so truncation is floor).
    series: db.prepare<[number, number, number, string, string, number, number, string, string, number, number, number], BucketRow>(
      `SELECT CAST((t - ?) / ? AS INTEGER) * ? AS bucket, SUM(total) / SUM(n) AS mean, MIN(lo) AS min, MAX(hi) AS max,
              SUM(n) AS count
         FROM (SELECT at_ms AS t, value AS total, 1 AS n, value AS lo, value AS hi FROM readings
                WHERE person_id = ? AND metric = ? AND at_ms >= ? AND at_ms < ?
               UNION ALL
               SELECT hour_ms, sum, count, min, max FROM readings_hourly
                WHERE person_id = ? AND metric = ? AND hour_ms >= ? AND hour_ms < ?)
        GROUP BY bucket ORDER BY bucket LIMIT ?`,
    ),
    latest: db.prepare<[string], { metric: MetricName; value: number; at_ms: number }>(
      'SELECT metric, value, MAX(at_ms) AS at_ms FROM readings WHERE person_id = ? GROUP BY metric ORDER BY metric',
    ),
    oldest: db.prepare<[], { at_ms: number | null }>('SELECT MIN(at_ms) AS at_ms FROM readings'),
    /** One chunk of retention in one transaction, so ingest never waits long on it. */
    retireBefore: db.transaction((beforeMs: number): number => {
      rollUp.run(beforeMs)
      return removeRaw.run(beforeMs).changes
    }),
    removeRollups,
    count: db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM readings'),
  }
}

/** The embedded readings store: one SQLite file under HEARTH_DATA_DIR. */
export function createSqliteReadingsStore(path: string): ReadingsStore & { count(): number } {
  let db: SqliteDatabase | undefined
  let statements: ReturnType<typeof prepare> | undefined

  const ready = () => {
    if (!statements) throw new Error('the embedded readings store is not open')
    return statements
  }

  return {
    kind: 'embedded',
    start() {
      db ??= openDatabase(path, READINGS_MIGRATIONS, { synchronous: 'NORMAL' })
      statements ??= prepare(db)
      return Promise.resolve()
    },
    writeBatch(readings) {
      ready().writeBatch(readings)
      return Promise.resolve()
    },
    series(q: SeriesQuery, maxPoints: number): Promise<SeriesPoint[]> {
      const range = [q.personId, q.metric, q.fromMs, q.toMs] as const
      const rows = ready().series.all(q.fromMs, q.everyMs, q.everyMs, ...range, ...range, maxPoints)
      return Promise.resolve(
        rows.map((row) => ({ t: new Date(q.fromMs + row.bucket).toISOString(), mean: row.mean, min: row.min, max: row.max, count: row.count })),
      )
    },
    latest(personId: string): Promise<LatestReading[]> {
      return Promise.resolve(ready().latest.all(personId).map((r) => ({ metric: r.metric, value: r.value, at: new Date(r.at_ms).toISOString() })))
    },
    async applyRetention(nowMs, policy) {
      const s = ready()
      // Whole hours only, so a rolled-up hour is never split between raw and rollup.
      const cutoff = Math.floor((nowMs - policy.rawRetentionMs) / HOUR_MS) * HOUR_MS
      let removed = 0
      for (let oldest = s.oldest.get()?.at_ms ?? null; oldest !== null && oldest < cutoff; oldest = s.oldest.get()?.at_ms ?? null) {
        removed += s.retireBefore(Math.min(cutoff, Math.floor(oldest / HOUR_MS) * HOUR_MS + DAY_MS))
        await new Promise((resolve) => setImmediate(resolve))
      }
      const rollupsRemoved = s.removeRollups.run(nowMs - policy.rollupRetentionMs).changes
      return { rolledUp: removed, removed: removed + rollupsRemoved }
    },
    count: () => ready().count.get()?.n ?? 0,
    close() {
      db?.close()
      db = undefined
      statements = undefined
      return Promise.resolve()
    },
  }
}
