import type { MetricName, SeriesPoint } from '../contract/index.js'
import { openDatabase, type SqliteDatabase } from './open-database.js'
import { READINGS_MIGRATIONS } from './readings-schema.js'

export interface StoredReading {
  personId: string
  deviceId: string
  metric: MetricName
  value: number
  atMs: number
  receivedAtMs: number
}

export interface SeriesQuery {
  personId: string
  metric: MetricName
  fromMs: number
  toMs: number
  everyMs: number
}

/** The embedded readings store: one SQLite file under HEARTH_DATA_DIR. */
export function createSqliteReadingsStore(path: string) {
  const db: SqliteDatabase = openDatabase(path, READINGS_MIGRATIONS, { synchronous: 'NORMAL' })
  const insert = db.prepare(
    'INSERT INTO readings (person_id, metric, at_ms, value, device_id, received_at_ms) VALUES (?, ?, ?, ?, ?, ?)',
  )
  const writeBatch = db.transaction((readings: readonly StoredReading[]) => {
    for (const r of readings) insert.run(r.personId, r.metric, Math.round(r.atMs), r.value, r.deviceId, r.receivedAtMs)
  })
  const series = db.prepare<[number, number, number, string, string, number, number, number], { bucket: number; mean: number; min: number; max: number; count: number }>(
    `SELECT CAST((at_ms - ?) / ? AS INTEGER) * ? AS bucket, AVG(value) AS mean, MIN(value) AS min, MAX(value) AS max, COUNT(*) AS count
       FROM readings WHERE person_id = ? AND metric = ? AND at_ms >= ? AND at_ms < ?
       GROUP BY bucket ORDER BY bucket LIMIT ?`,
  )
  const latest = db.prepare<[string], { metric: MetricName; value: number; at_ms: number }>(
    `SELECT metric, value, MAX(at_ms) AS at_ms FROM readings WHERE person_id = ? GROUP BY metric`,
  )
  const count = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM readings')

  return {
    writeBatch(readings: readonly StoredReading[]): void {
      writeBatch(readings)
    },
    series(q: SeriesQuery, maxPoints: number): SeriesPoint[] {
      // Numbers bind as REAL; the CAST floors the bucket index (at_ms >= from, so truncation is floor).
      return series.all(q.fromMs, q.everyMs, q.everyMs, q.personId, q.metric, q.fromMs, q.toMs, maxPoints).map((row) => ({
        t: new Date(q.fromMs + row.bucket).toISOString(),
        mean: row.mean,
        min: row.min,
        max: row.max,
        count: row.count,
      }))
    },
    latest(personId: string): Array<{ metric: MetricName; value: number; at: string }> {
      return latest.all(personId).map((r) => ({ metric: r.metric, value: r.value, at: new Date(r.at_ms).toISOString() }))
    },
    count: (): number => count.get()?.n ?? 0,
    close(): void {
      db.close()
    },
  }
}
export type SqliteReadingsStore = ReturnType<typeof createSqliteReadingsStore>
