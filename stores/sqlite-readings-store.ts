import type { MetricName, SeriesPoint } from '../contract/index.js'
import { openDatabase, type SqliteDatabase } from './open-database.js'
import type { LatestReading, ReadingsStore, SeriesQuery, StoredReading } from './readings-store.js'
import { READINGS_MIGRATIONS } from './readings-schema.js'

interface BucketRow {
  bucket: number
  mean: number
  min: number
  max: number
  count: number
}

/** The embedded readings store: one SQLite file under HEARTH_DATA_DIR. */
export function createSqliteReadingsStore(path: string): ReadingsStore & { count(): number } {
  let db: SqliteDatabase | undefined
  let statements: ReturnType<typeof prepare> | undefined

  const prepare = (handle: SqliteDatabase) => {
    const insert = handle.prepare(
      'INSERT INTO readings (person_id, metric, at_ms, value, device_id, received_at_ms) VALUES (?, ?, ?, ?, ?, ?)',
    )
    return {
      writeBatch: handle.transaction((readings: readonly StoredReading[]) => {
        for (const r of readings) insert.run(r.personId, r.metric, Math.round(r.atMs), r.value, r.deviceId, r.receivedAtMs)
      }),
      // Numbers bind as REAL; the CAST floors the bucket index (at_ms >= from, so truncation is floor).
      series: handle.prepare<[number, number, number, string, string, number, number, number], BucketRow>(
        `SELECT CAST((at_ms - ?) / ? AS INTEGER) * ? AS bucket, AVG(value) AS mean, MIN(value) AS min, MAX(value) AS max,
                COUNT(*) AS count
           FROM readings WHERE person_id = ? AND metric = ? AND at_ms >= ? AND at_ms < ?
           GROUP BY bucket ORDER BY bucket LIMIT ?`,
      ),
      latest: handle.prepare<[string], { metric: MetricName; value: number; at_ms: number }>(
        'SELECT metric, value, MAX(at_ms) AS at_ms FROM readings WHERE person_id = ? GROUP BY metric ORDER BY metric',
      ),
      count: handle.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM readings'),
    }
  }

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
      const rows = ready().series.all(q.fromMs, q.everyMs, q.everyMs, q.personId, q.metric, q.fromMs, q.toMs, maxPoints)
      return Promise.resolve(
        rows.map((row) => ({ t: new Date(q.fromMs + row.bucket).toISOString(), mean: row.mean, min: row.min, max: row.max, count: row.count })),
      )
    },
    latest(personId: string): Promise<LatestReading[]> {
      return Promise.resolve(ready().latest.all(personId).map((r) => ({ metric: r.metric, value: r.value, at: new Date(r.at_ms).toISOString() })))
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
