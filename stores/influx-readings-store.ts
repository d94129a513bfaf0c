import { InfluxDB, escape, type IPoint } from 'influx'
import { isMetricName, type SeriesPoint } from '../contract/index.js'
import type { LatestReading, ReadingsStore, SeriesQuery, StoredReading } from './readings-store.js'

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

  return {
    kind: 'influxdb',
    async start() {
      // 1.x: create the database if it is missing; 2.x and 3.x map buckets themselves and refuse this.
      const names = await influx.getDatabaseNames().catch(() => undefined)
      if (names && !names.includes(config.database)) await influx.createDatabase(config.database)
    },
    async writeBatch(readings) {
      if (readings.length === 0) return
      await influx.writePoints(readings.map(toPoint), { precision: 'u' })
    },
    async series(q: SeriesQuery, maxPoints: number): Promise<SeriesPoint[]> {
      const offsetMs = ((q.fromMs % q.everyMs) + q.everyMs) % q.everyMs
      const rows = await influx.query<{ time: Date; mean: number; min: number; max: number; count: number }>(
        `SELECT MEAN("value") AS mean, MIN("value") AS min, MAX("value") AS max, COUNT("value") AS count
           FROM ${escape.measurement(q.metric)}
          WHERE person_id = ${escape.stringLit(q.personId)} AND time >= ${q.fromMs}ms AND time < ${q.toMs}ms
          GROUP BY time(${q.everyMs}ms, ${offsetMs}ms) fill(none) LIMIT ${maxPoints}`,
        { precision: 'ms' },
      )
      return rows.map((row) => ({ t: new Date(row.time.getTime()).toISOString(), mean: row.mean, min: row.min, max: row.max, count: row.count }))
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
    close() {
      return Promise.resolve()
    },
  }
}

