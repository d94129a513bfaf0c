import { join } from 'node:path'
import Database from 'better-sqlite3'

/** What the store holds for one wearable: reading `seq` → the times it was stored at (one entry per copy). */
export type StoredSeries = Map<number, number[]>

function add(into: Map<string, StoredSeries>, deviceId: string, seq: number, atMs: number): void {
  let series = into.get(deviceId)
  if (!series) {
    series = new Map()
    into.set(deviceId, series)
  }
  const copies = series.get(seq)
  if (copies) copies.push(atMs)
  else series.set(seq, [atMs])
}

/** The embedded store, read-only, after the platform has stopped: every `steps` row of the scenario's wearables. */
export function readEmbeddedReadings(dataDir: string, deviceIds: ReadonlySet<string>): Map<string, StoredSeries> {
  const db = new Database(join(dataDir, 'readings.db'), { readonly: true, fileMustExist: true })
  try {
    const rows = db.prepare<[], { device_id: string; value: number; at_ms: number }>("SELECT device_id, value, at_ms FROM readings WHERE metric = 'steps'").iterate()
    const stored = new Map<string, StoredSeries>()
    for (const row of rows) if (deviceIds.has(row.device_id)) add(stored, row.device_id, row.value, row.at_ms)
    return stored
  } finally {
    db.close()
  }
}

const INFLUX_PAGE = 10_000

/**
 * InfluxDB over its HTTP query API, a page at a time per device. InfluxDB keeps one point per
 * series and time, so a reading written twice is one point: duplicates cannot show here.
 */
export async function readInfluxReadings(url: string, database: string, deviceIds: ReadonlySet<string>): Promise<Map<string, StoredSeries>> {
  const stored = new Map<string, StoredSeries>()
  for (const deviceId of deviceIds) {
    for (let offset = 0; ; offset += INFLUX_PAGE) {
      const q = `SELECT "value" FROM "steps" WHERE "device_id" = '${deviceId.replace(/'/g, "\\'")}' LIMIT ${INFLUX_PAGE} OFFSET ${offset}`
      const response = await fetch(`${url}/query?${new URLSearchParams({ db: database, epoch: 'ms', q }).toString()}`)
      if (!response.ok) throw new Error(`InfluxDB query failed (${response.status}): ${await response.text()}`)
      const body = (await response.json()) as { results?: Array<{ series?: Array<{ values: Array<[number, number]> }>; error?: string }> }
      const result = body.results?.[0]
      if (result?.error) throw new Error(`InfluxDB query failed: ${result.error}`)
      const values = result?.series?.[0]?.values ?? []
      for (const [atMs, value] of values) add(stored, deviceId, value, Math.round(atMs))
      if (values.length < INFLUX_PAGE) break
    }
  }
  return stored
}

export interface StoredAlarms {
  /** device → event id → whether alerting has processed it (raised or folded into an alert). */
  events: Map<string, Map<string, boolean>>
  /**
   * device → presses recorded in aggregate: repeats over the device's event limits, folded into its
   * open alert and journalled as one entry per write (`<first id>~<n>-repeats-<ms>`, data.repeats).
   */
  folded: Map<string, number>
  /** device → `alarm.pressed` occurrences counted over all its alerts. */
  occurrences: Map<string, number>
}

/** The event journal and the alerts in the operational database, read-only, after the platform has stopped. */
export function readAlarms(dataDir: string): StoredAlarms {
  const db = new Database(join(dataDir, 'hearth.db'), { readonly: true, fileMustExist: true })
  try {
    const events = new Map<string, Map<string, boolean>>()
    const folded = new Map<string, number>()
    const rows = db
      .prepare<[], { device_id: string; event_id: string; processed_at: number | null; data: string }>(
        "SELECT device_id, event_id, processed_at, data FROM device_events WHERE type = 'alarm.pressed'",
      )
      .iterate()
    for (const row of rows) {
      if (/~\d+-repeats-/.test(row.event_id)) {
        const repeats = Number((JSON.parse(row.data) as { repeats?: unknown }).repeats)
        if (Number.isFinite(repeats)) folded.set(row.device_id, (folded.get(row.device_id) ?? 0) + repeats)
        continue
      }
      let byId = events.get(row.device_id)
      if (!byId) {
        byId = new Map()
        events.set(row.device_id, byId)
      }
      byId.set(row.event_id, row.processed_at !== null)
    }
    const occurrences = new Map(
      db
        .prepare<[], { device_id: string; n: number }>("SELECT device_id, SUM(occurrences) AS n FROM alerts WHERE kind = 'alarm.pressed' GROUP BY device_id")
        .all()
        .map((r) => [r.device_id, r.n]),
    )
    return { events, folded, occurrences }
  } finally {
    db.close()
  }
}
