import { InfluxDB, escape, type IPoint } from 'influx'
import { isMetricName } from '../contract/metrics.js'
import type { SeriesPoint } from '../contract/api.js'
import { READING_EARLIEST_MS, READING_MAX_AHEAD_MS } from '../contract/senml.js'
import { MINUTE_MS, MINUTE_RP, RECENT_MS, ROLLUP_RP, ensureRollups, rollUpMinutes } from './influx-rollups.js'
import { HOUR_MS, RejectedBatchError, type LatestReading, type ReadingsStore, type RetentionPolicy, type SeriesQuery, type StoredReading } from './readings-store.js'

export interface InfluxConfig {
  /** Base URL of the server, e.g. http://127.0.0.1:8086 (a path prefix is kept). */
  url: string
  /** The 1.x database, or the 2.x/3.x bucket mapped for the 1.x API. */
  database: string
  username?: string
  password?: string
  /** Sent as `Authorization: Token …` (InfluxDB 2.x and 3.x). */
  token?: string
  requestTimeoutMs: number
  /** Raw points expire after this; hourly rollups, kept longer, answer for older time. */
  retention: RetentionPolicy
}


interface Bucket {
  time: Date
  total: number
  min: number
  max: number
  count: number
}

/**
 * Readings in InfluxDB through its 1.x HTTP API (line protocol writes, InfluxQL queries), which
 * InfluxDB 1.x serves natively and 2.x and 3.x through their compatibility endpoints.
 * Layout: one measurement per metric; tags `person_id` and `device_id`; fields `value` and
 * `received_ms`; timestamps in microseconds, so readings a fraction of a millisecond apart stay apart.
 */
export function createInfluxReadingsStore(config: InfluxConfig): ReadingsStore {
  const url = new URL(config.url)
  const influx = new InfluxDB({
    hosts: [
      {
        host: url.hostname,
        port: Number(url.port || (url.protocol === 'https:' ? 443 : 8086)),
        protocol: url.protocol === 'https:' ? 'https' : 'http',
        ...(url.pathname !== '/' ? { path: url.pathname.replace(/\/$/, '') } : {}),
        ...(config.token ? { options: { headers: { Authorization: `Token ${config.token}` } } } : {}),
      },
    ],
    database: config.database,
    ...(config.username ? { username: config.username } : {}),
    ...(config.password ? { password: config.password } : {}),
    pool: { maxRetries: 0, requestTimeout: config.requestTimeoutMs },
  })

  const toPoint = (r: StoredReading): IPoint => ({
    measurement: r.metric,
    tags: { person_id: r.personId, device_id: r.deviceId },
    fields: { value: r.value, received_ms: r.receivedAtMs },
    // Microseconds: SenML times may be finer than a millisecond, and InfluxDB overwrites a point at the same time.
    timestamp: Math.round(r.atMs * 1000),
  })

  type Source = 'raw' | 'minute' | 'hour'
  const SOURCES: Record<Source, [string, string]> = {
    raw: ['SUM("value") AS total, MIN("value") AS min, MAX("value") AS max, COUNT("value") AS count', ''],
    minute: ['SUM("sum") AS total, MIN("min") AS min, MAX("max") AS max, SUM("count") AS count', `"${MINUTE_RP}".`],
    hour: ['SUM("sum") AS total, MIN("min") AS min, MAX("max") AS max, SUM("count") AS count', `"${ROLLUP_RP}".`],
  }
  const buckets = async (q: SeriesQuery, fromMs: number, toMs: number, source: Source, limit: number): Promise<Bucket[]> => {
    if (fromMs >= toMs) return []
    const offsetMs = ((q.fromMs % q.everyMs) + q.everyMs) % q.everyMs
    const [fields, policy] = SOURCES[source]
    return influx.query<Bucket>(
      `SELECT ${fields} FROM ${policy}${escape.measurement(q.metric)}
        WHERE person_id = ${escape.stringLit(q.personId)} AND time >= ${fromMs}ms AND time < ${toMs}ms
        GROUP BY time(${q.everyMs}ms, ${offsetMs}ms) fill(none) LIMIT ${limit}`,
      { precision: 'ms' },
    )
  }

  /** Whether this server keeps Hearth's retention policies and rollups (1.x); 2.x and 3.x keep retention on the bucket. */
  let rollups = false

  return {
    kind: 'influxdb',
    async start() {
      // 1.x: create the database if it is missing; 2.x and 3.x map buckets themselves and refuse this.
      const names = await influx.getDatabaseNames().catch(() => undefined)
      if (names && !names.includes(config.database)) await influx.createDatabase(config.database)
      // Before the first write, so points land in the raw policy from the start.
      rollups = await ensureRollups(influx, config.database, config.retention)
    },
    async writeBatch(readings) {
      if (readings.length === 0) return
      try {
        await influx.writePoints(readings.map(toPoint), { precision: 'u' })
        // Readings older than the continuous query's reach are aggregated here, before the batch counts as stored.
        const lateBefore = Date.now() - RECENT_MS + MINUTE_MS
        const late = readings.filter((r) => r.atMs < lateBefore)
        if (rollups && late.length > 0) {
          await rollUpMinutes(influx, Math.min(...late.map((r) => r.atMs)), Math.max(...late.map((r) => r.atMs)))
        }
      } catch (error) {
        // 400 is InfluxDB's "never": a partial write (points beyond retention) or a bad point.
        if ((error as { res?: { statusCode?: number } }).res?.statusCode === 400) {
          // InfluxDB 1.x stores the rest of a batch and says how many points it dropped ("partial write: … dropped=N").
          const dropped = /dropped=(\d+)/.exec((error as Error).message)?.[1]
          throw new RejectedBatchError(`InfluxDB refused ${dropped ?? 'all'} of ${readings.length} readings: ${(error as Error).message}`, {
            cause: error,
            ...(dropped === undefined ? {} : { dropped: Math.min(Number(dropped), readings.length) }),
          })
        }
        throw error
      }
    },
    // InfluxDB keeps no log position; the spool in front of it does (stores/spooled-readings-store.ts).
    logPosition: () => Promise.resolve(undefined),
    async series(q: SeriesQuery, maxPoints: number): Promise<SeriesPoint[]> {
      // Hourly rollups before the raw period; minute aggregates where they are settled and the
      // buckets are whole minutes; raw points for the rest (the last minutes, or odd buckets).
      const now = Date.now()
      const hourCutoff = rollups ? Math.floor((now - config.retention.rawRetentionMs) / HOUR_MS) * HOUR_MS : -Infinity
      const minuteAligned = rollups && q.everyMs % MINUTE_MS === 0 && q.fromMs % MINUTE_MS === 0
      const minuteCutoff = minuteAligned ? Math.floor((now - RECENT_MS) / MINUTE_MS) * MINUTE_MS : hourCutoff
      const at = (t: number): number => Math.min(Math.max(t, q.fromMs), q.toMs)
      const parts = await Promise.all([
        buckets(q, q.fromMs, at(hourCutoff), 'hour', maxPoints),
        buckets(q, at(hourCutoff), at(minuteCutoff), 'minute', maxPoints),
        buckets(q, at(Math.max(hourCutoff, minuteCutoff)), q.toMs, 'raw', maxPoints),
      ])
      const merged = new Map<number, Bucket>()
      for (const b of parts.flat()) {
        const at = b.time.getTime()
        const known = merged.get(at)
        merged.set(at, known ? { time: b.time, total: known.total + b.total, min: Math.min(known.min, b.min), max: Math.max(known.max, b.max), count: known.count + b.count } : b)
      }
      return [...merged.entries()]
        .sort(([a], [b]) => a - b)
        .slice(0, maxPoints)
        .map(([at, b]) => ({ t: new Date(at).toISOString(), mean: b.total / b.count, min: b.min, max: b.max, count: b.count }))
    },
    async latest(personId: string, nowMs: number): Promise<LatestReading[]> {
      const rows = await influx.query<{ time: Date; value: number }>(
        `SELECT LAST("value") AS value FROM /.*/ WHERE person_id = ${escape.stringLit(personId)} AND time >= ${READING_EARLIEST_MS}ms AND time <= ${nowMs + READING_MAX_AHEAD_MS}ms`,
        { precision: 'ms' },
      )
      const latest: LatestReading[] = []
      // One series per measurement, that is per metric.
      for (const group of rows.groups()) {
        const row = group.rows[0]
        if (row && isMetricName(group.name)) latest.push({ metric: group.name, value: row.value, at: new Date(row.time.getTime()).toISOString() })
      }
      return latest.sort((a, b) => a.metric.localeCompare(b.metric))
    },
    async applyRetention(_nowMs, policy) {
      rollups = await ensureRollups(influx, config.database, policy)
      // InfluxDB expires points and runs the continuous queries itself.
      return { rolledUp: 0, removed: 0 }
    },
    close() {
      return Promise.resolve()
    },
  }
}

