import { InfluxDB, escape, type IPoint } from 'influx'
import { isMetricName, type SeriesPoint } from '../contract/index.js'
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

const RAW_RP = 'hearth_raw'
const ROLLUP_RP = 'hearth_rollup'

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

  const buckets = async (q: SeriesQuery, fromMs: number, toMs: number, source: 'raw' | 'rollup', limit: number): Promise<Bucket[]> => {
    const offsetMs = ((q.fromMs % q.everyMs) + q.everyMs) % q.everyMs
    const [fields, from] =
      source === 'raw'
        ? ['SUM("value") AS total, MIN("value") AS min, MAX("value") AS max, COUNT("value") AS count', escape.measurement(q.metric)]
        : ['SUM("sum") AS total, MIN("min") AS min, MAX("max") AS max, SUM("count") AS count', `"${ROLLUP_RP}".${escape.measurement(q.metric)}`]
    return influx.query<Bucket>(
      `SELECT ${fields} FROM ${from}
        WHERE person_id = ${escape.stringLit(q.personId)} AND time >= ${fromMs}ms AND time < ${toMs}ms
        GROUP BY time(${q.everyMs}ms, ${offsetMs}ms) fill(none) LIMIT ${limit}`,
      { precision: 'ms' },
    )
  }

  /**
   * InfluxDB 1.x expires points itself: raw points live in a default retention policy of the raw
   * period, and a continuous query rolls them into hourly sums, extremes and counts kept for the
   * rollup period. Idempotent. InfluxDB 2.x and 3.x keep retention on the bucket instead.
   */
  const ensureRetention = async (policy: RetentionPolicy): Promise<{ rolledUp: number; removed: number }> => {
    const hours = (ms: number): string => `${Math.max(1, Math.round(ms / HOUR_MS))}h`
    const existing = await influx.showRetentionPolicies(config.database).catch(() => undefined)
    if (!existing) return { rolledUp: 0, removed: 0 }
    const policies = [
      [RAW_RP, hours(policy.rawRetentionMs), true],
      [ROLLUP_RP, hours(policy.rollupRetentionMs), false],
    ] as const
    for (const [name, duration, isDefault] of policies) {
      const options = { database: config.database, duration, replication: 1, isDefault }
      if (existing.some((rp) => rp.name === name)) await influx.alterRetentionPolicy(name, options)
      else await influx.createRetentionPolicy(name, options)
    }
    const queries = await influx.showContinousQueries(config.database)
    if (!queries.some((cq) => cq.name === 'hearth_hourly')) {
      await influx.createContinuousQuery(
        'hearth_hourly',
        `SELECT SUM("value") AS sum, MIN("value") AS min, MAX("value") AS max, COUNT("value") AS count
           INTO "${ROLLUP_RP}".:MEASUREMENT FROM "${RAW_RP}"./.*/ GROUP BY time(1h), *`,
        config.database,
        // Recomputed over the last day every hour, so readings a device uploads late still roll up.
        'RESAMPLE EVERY 1h FOR 1d',
      )
    }
    return { rolledUp: 0, removed: 0 }
  }

  return {
    kind: 'influxdb',
    async start() {
      // 1.x: create the database if it is missing; 2.x and 3.x map buckets themselves and refuse this.
      const names = await influx.getDatabaseNames().catch(() => undefined)
      if (names && !names.includes(config.database)) await influx.createDatabase(config.database)
      // Before the first write, so points land in the raw policy from the start.
      await ensureRetention(config.retention)
    },
    async writeBatch(readings) {
      if (readings.length === 0) return
      try {
        await influx.writePoints(readings.map(toPoint), { precision: 'u' })
      } catch (error) {
        // 400 is InfluxDB's "never": a partial write (points beyond retention) or a bad point.
        if ((error as { res?: { statusCode?: number } }).res?.statusCode === 400) {
          throw new RejectedBatchError(`InfluxDB refused the batch: ${(error as Error).message}`, { cause: error })
        }
        throw error
      }
    },
    async series(q: SeriesQuery, maxPoints: number): Promise<SeriesPoint[]> {
      // Older than the raw period, only the hourly rollups remain: ask each for its side of the cutoff.
      const cutoffMs = Math.floor((Date.now() - config.retention.rawRetentionMs) / HOUR_MS) * HOUR_MS
      const parts = await Promise.all([
        q.toMs > cutoffMs ? buckets(q, Math.max(q.fromMs, cutoffMs), q.toMs, 'raw', maxPoints) : [],
        q.fromMs < cutoffMs ? buckets(q, q.fromMs, Math.min(q.toMs, cutoffMs), 'rollup', maxPoints) : [],
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
    async latest(personId: string): Promise<LatestReading[]> {
      const rows = await influx.query<{ time: Date; value: number }>(
        `SELECT LAST("value") AS value FROM /.*/ WHERE person_id = ${escape.stringLit(personId)}`,
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
    applyRetention: (_nowMs, policy) => ensureRetention(policy),
    close() {
      return Promise.resolve()
    },
  }
}

