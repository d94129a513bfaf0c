import type { InfluxDB } from 'influx'
import { HOUR_MS, type RetentionPolicy } from './readings-store.js'

/**
 * How Hearth lays out retention and pre-aggregation on InfluxDB 1.x:
 * - `hearth_raw` (default policy, the raw period): the readings as written;
 * - `hearth_minute` (the raw period): per-minute sum, min, max and count, kept by a continuous
 *   query over the last RECENT_MS and by Hearth itself for readings that arrive later than that;
 * - `hearth_rollup` (the rollup period): the same per hour, for time older than the raw period.
 */
const RAW_RP = 'hearth_raw'
export const MINUTE_RP = 'hearth_minute'
export const ROLLUP_RP = 'hearth_rollup'
export const MINUTE_MS = 60_000
/** The minute continuous query recomputes this much recent time every minute. */
export const RECENT_MS = 10 * MINUTE_MS

const AGGREGATES = 'SUM("value") AS sum, MIN("value") AS min, MAX("value") AS max, COUNT("value") AS count'

/** Creates or updates the policies and continuous queries; false where the server has none (2.x, 3.x). */
export async function ensureRollups(influx: InfluxDB, database: string, policy: RetentionPolicy): Promise<boolean> {
  const hours = (ms: number): string => `${Math.max(1, Math.round(ms / HOUR_MS))}h`
  const existing = await influx.showRetentionPolicies(database).catch(() => undefined)
  if (!existing) return false
  const policies = [
    [RAW_RP, hours(policy.rawRetentionMs), true],
    [MINUTE_RP, hours(policy.rawRetentionMs), false],
    [ROLLUP_RP, hours(policy.rollupRetentionMs), false],
  ] as const
  for (const [name, duration, isDefault] of policies) {
    const options = { database, duration, replication: 1, isDefault }
    if (existing.some((rp) => rp.name === name)) await influx.alterRetentionPolicy(name, options)
    else await influx.createRetentionPolicy(name, options)
  }
  const queries = (await influx.showContinousQueries(database)).map((q) => q.name)
  if (!queries.includes('hearth_minutely')) {
    await influx.createContinuousQuery(
      'hearth_minutely',
      `SELECT ${AGGREGATES} INTO "${MINUTE_RP}".:MEASUREMENT FROM "${RAW_RP}"./.*/ GROUP BY time(1m), *`,
      database,
      `RESAMPLE EVERY 1m FOR ${RECENT_MS / MINUTE_MS}m`,
    )
  }
  if (!queries.includes('hearth_hourly')) {
    await influx.createContinuousQuery(
      'hearth_hourly',
      `SELECT ${AGGREGATES} INTO "${ROLLUP_RP}".:MEASUREMENT FROM "${RAW_RP}"./.*/ GROUP BY time(1h), *`,
      database,
      // Recomputed over the last day every hour, so readings a device uploads late still roll up.
      'RESAMPLE EVERY 1h FOR 1d',
    )
  }
  return true
}

/** Recomputes the minute aggregates of [fromMs, toMs) for every person and metric (for late readings). */
export async function rollUpMinutes(influx: InfluxDB, fromMs: number, toMs: number): Promise<void> {
  const from = Math.floor(fromMs / MINUTE_MS) * MINUTE_MS
  const to = Math.ceil((toMs + 1) / MINUTE_MS) * MINUTE_MS
  await influx.query(
    `SELECT ${AGGREGATES} INTO "${MINUTE_RP}".:MEASUREMENT FROM "${RAW_RP}"./.*/
      WHERE time >= ${from}ms AND time < ${to}ms GROUP BY time(1m), *`,
  )
}
