import { METRIC_NAMES, type MetricName } from '../contract/metrics.js'
import type { SeriesPoint } from '../contract/api.js'
import { READING_EARLIEST_MS, READING_MAX_AHEAD_MS } from '../contract/senml.js'
import { openDatabase, type SqliteDatabase } from './open-database.js'
import { HOUR_MS, type LatestReading, type ReadingsStore, type SeriesQuery, type StoredReading } from './readings-store.js'
import { READINGS_MIGRATIONS } from './readings-schema.js'

interface SeriesParams {
  person: string
  metric: string
  from: number
  to: number
  every: number
  limit: number
}

interface BucketRow {
  bucket: number
  mean: number
  min: number
  max: number
  count: number
}

const DAY_MS = 24 * HOUR_MS

/**
 * A reading's time in milliseconds to the microsecond, as InfluxDB keeps it: packs received within
 * one millisecond stay a microsecond apart, and a time computed from seconds (`bt` 1763800000.123)
 * lands on its millisecond, not a hair beside it.
 */
const toMicroseconds = (atMs: number): number => Math.round(atMs * 1000) / 1000
const MINUTE_MS = 60_000

interface Aggregate {
  personId: string
  metric: string
  minuteMs: number
  sum: number
  min: number
  max: number
  count: number
}

/** Folds a batch into per-minute aggregates, so the minute table takes one upsert per person, metric and minute. */
function minuteAggregates(readings: readonly StoredReading[]): Iterable<Aggregate> {
  const byKey = new Map<string, Aggregate>()
  for (const r of readings) {
    const minuteMs = Math.floor(toMicroseconds(r.atMs) / MINUTE_MS) * MINUTE_MS
    const key = `${r.personId}\u0000${r.metric}\u0000${minuteMs}`
    const known = byKey.get(key)
    if (known) {
      known.sum += r.value
      known.min = Math.min(known.min, r.value)
      known.max = Math.max(known.max, r.value)
      known.count++
    } else {
      byKey.set(key, { personId: r.personId, metric: r.metric, minuteMs, sum: r.value, min: r.value, max: r.value, count: 1 })
    }
  }
  return byKey.values()
}

const bucketed = (source: string): string =>
  `SELECT CAST((t - @from) / @every AS INTEGER) * @every AS bucket, SUM(total) / SUM(n) AS mean, MIN(lo) AS min, MAX(hi) AS max,
          SUM(n) AS count
     FROM (${source}
           UNION ALL
           SELECT hour_ms, sum, count, min, max FROM readings_hourly
            WHERE person_id = @person AND metric = @metric AND hour_ms >= @from AND hour_ms < @to)
    GROUP BY bucket ORDER BY bucket LIMIT @limit`

const METRIC_NAMES_SORTED = [...METRIC_NAMES].sort((a, b) => a.localeCompare(b))

function prepare(db: SqliteDatabase) {
  // A reading already stored (the same device, metric and time: a pack sent again) is written over, not added.
  const insert = db.prepare(
    'INSERT INTO readings (person_id, metric, at_ms, value, device_id, received_at_ms) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (person_id, metric, device_id, at_ms) DO NOTHING',
  )
  const overwrite = db.prepare('UPDATE readings SET value = ?, received_at_ms = ? WHERE person_id = ? AND metric = ? AND device_id = ? AND at_ms = ?')
  // The minute of a reading written over is summed again from its readings.
  const recountMinute = db.prepare<{ person: string; metric: string; minute: number }>(
    `INSERT INTO readings_minute (person_id, metric, minute_ms, sum, min, max, count)
       SELECT person_id, metric, @minute, SUM(value), MIN(value), MAX(value), COUNT(*) FROM readings
        WHERE person_id = @person AND metric = @metric AND at_ms >= @minute AND at_ms < @minute + ${MINUTE_MS} GROUP BY person_id, metric
     ON CONFLICT (person_id, metric, minute_ms) DO UPDATE SET sum = excluded.sum, min = excluded.min, max = excluded.max, count = excluded.count`,
  )
  const addToMinute = db.prepare(
    `INSERT INTO readings_minute (person_id, metric, minute_ms, sum, min, max, count) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (person_id, metric, minute_ms) DO UPDATE SET sum = sum + excluded.sum, min = MIN(min, excluded.min),
       max = MAX(max, excluded.max), count = count + excluded.count`,
  )
  const rollUp = db.prepare(
    `INSERT INTO readings_hourly (person_id, metric, hour_ms, sum, min, max, count)
       SELECT person_id, metric, (minute_ms / ${HOUR_MS}) * ${HOUR_MS} AS hour, SUM(sum), MIN(min), MAX(max), SUM(count)
         FROM readings_minute WHERE minute_ms < ? GROUP BY person_id, metric, hour
     ON CONFLICT (person_id, metric, hour_ms) DO UPDATE SET sum = sum + excluded.sum, min = MIN(min, excluded.min),
       max = MAX(max, excluded.max), count = count + excluded.count`,
  )
  const removeMinutes = db.prepare('DELETE FROM readings_minute WHERE minute_ms < ?')
  const setPosition = db.prepare('INSERT INTO log_position (id, position) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET position = excluded.position')
  const removeRaw = db.prepare('DELETE FROM readings WHERE at_ms < ?')
  const removeRollups = db.prepare('DELETE FROM readings_hourly WHERE hour_ms < ?')
  return {
    writeBatch: db.transaction((readings: readonly StoredReading[], logPosition: number | undefined) => {
      const added: StoredReading[] = []
      const recount = new Map<string, { person: string; metric: string; minute: number }>()
      for (const r of readings) {
        const atMs = toMicroseconds(r.atMs)
        if (insert.run(r.personId, r.metric, atMs, r.value, r.deviceId, r.receivedAtMs).changes > 0) {
          added.push(r)
          continue
        }
        overwrite.run(r.value, r.receivedAtMs, r.personId, r.metric, r.deviceId, atMs)
        const minute = Math.floor(atMs / MINUTE_MS) * MINUTE_MS
        recount.set(`${r.personId}\u0000${r.metric}\u0000${minute}`, { person: r.personId, metric: r.metric, minute })
      }
      for (const a of minuteAggregates(added)) addToMinute.run(a.personId, a.metric, a.minuteMs, a.sum, a.min, a.max, a.count)
      for (const minute of recount.values()) recountMinute.run(minute)
      if (logPosition !== undefined) setPosition.run(logPosition)
    }),
    getPosition: db.prepare<[], { position: number }>('SELECT position FROM log_position WHERE id = 1'),
    // Raw readings (or their minute aggregates) and hourly rollups (what retention left of older
    // time) answer together. Numbers bind as REAL; the CAST floors the bucket index.
    seriesRaw: db.prepare<[SeriesParams], BucketRow>(
      bucketed(`SELECT at_ms AS t, value AS total, 1 AS n, value AS lo, value AS hi FROM readings
                 WHERE person_id = @person AND metric = @metric AND at_ms >= @from AND at_ms < @to`),
    ),
    seriesMinutes: db.prepare<[SeriesParams], BucketRow>(
      bucketed(`SELECT minute_ms AS t, sum AS total, count AS n, min AS lo, max AS hi FROM readings_minute
                 WHERE person_id = @person AND metric = @metric AND minute_ms >= @from AND minute_ms < @to`),
    ),
    // One metric at a time, straight off the series index; of readings at the same moment, the one stored last.
    latest: db.prepare<[string, MetricName, number, number], { value: number; at_ms: number }>(
      'SELECT value, at_ms FROM readings WHERE person_id = ? AND metric = ? AND at_ms BETWEEN ? AND ? ORDER BY at_ms DESC, rowid DESC LIMIT 1',
    ),
    oldest: db.prepare<[], { at_ms: number | null }>('SELECT MIN(at_ms) AS at_ms FROM readings'),
    /** One chunk of retention in one transaction, so ingest never waits long on it. */
    retireBefore: db.transaction((beforeMs: number): number => {
      rollUp.run(beforeMs)
      removeMinutes.run(beforeMs)
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
      // FULL: a batch and the log position it records are on disk before ingest lets the log go.
      db ??= openDatabase(path, READINGS_MIGRATIONS, { synchronous: 'FULL' })
      statements ??= prepare(db)
      return Promise.resolve()
    },
    writeBatch(readings, logPosition) {
      if (readings.length > 0 || logPosition !== undefined) ready().writeBatch(readings, logPosition)
      return Promise.resolve()
    },
    logPosition: () => Promise.resolve(ready().getPosition.get()?.position),
    series(q: SeriesQuery, maxPoints: number): Promise<SeriesPoint[]> {
      const params: SeriesParams = { person: q.personId, metric: q.metric, from: q.fromMs, to: q.toMs, every: q.everyMs, limit: maxPoints }
      // Whole-minute buckets on minute boundaries can be answered from the minute aggregates.
      const minuteAligned = q.everyMs % MINUTE_MS === 0 && q.fromMs % MINUTE_MS === 0 && q.toMs % MINUTE_MS === 0
      const rows = (minuteAligned ? ready().seriesMinutes : ready().seriesRaw).all(params)
      return Promise.resolve(
        rows.map((row) => ({ t: new Date(q.fromMs + row.bucket).toISOString(), mean: row.mean, min: row.min, max: row.max, count: row.count })),
      )
    },
    latest(personId: string, nowMs: number): Promise<LatestReading[]> {
      const s = ready()
      const latest: LatestReading[] = []
      for (const metric of METRIC_NAMES_SORTED) {
        const row = s.latest.get(personId, metric, READING_EARLIEST_MS, nowMs + READING_MAX_AHEAD_MS)
        if (row) latest.push({ metric, value: row.value, at: new Date(row.at_ms).toISOString() })
      }
      return Promise.resolve(latest)
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
