import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import type { MqttClient } from 'mqtt'
import { createInfluxReadingsStore } from '../stores/influx-readings-store.js'
import type { ReadingsStore, StoredReading } from '../stores/readings-store.js'
import { createSqliteReadingsStore } from '../stores/sqlite-readings-store.js'
import { startInfluxd, type Influxd } from '../harness/influxd.js'
import { connectDevice, removeDir, startTestPlatform, tempDir } from '../harness/test-platform.js'

const HELP = `Usage: npm run bench -- [--quick] [--store embedded|influxdb|both] [--out DIR]

Measures the readings path on each store and prints the figures:
  - readings stored per second end to end (simulated devices -> MQTT -> ingest -> store), and lost;
  - store writes per second in batches of 5,000 (on InfluxDB this includes the minute roll-up
    Hearth runs for readings that arrive too late for the continuous query, as this loaded
    history does);
  - the time to answer a 24-hour, 1-minute-bucket series for one person among a week of 1 Hz
    data from 100 people (--quick: one day from 10 people).
InfluxDB runs as Debian's influxd on a loopback port with a throwaway data folder.
Results go to DIR/readings.json and DIR/readings.md (default bench-results/).`

const DAY_S = 86_400
const BATCH = 5000

interface Figures {
  store: string
  endToEndPerSecond: number
  sent: number
  lost: number
  rawWritesPerSecond: number
  pointsLoaded: number
  queryMedianMs: number
  queryP95Ms: number
}

const progress = (line: string): void => void process.stderr.write(`${line}\n`)

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0
}

async function endToEnd(kind: 'embedded' | 'influxdb', influxd: Influxd | undefined, total: number): Promise<{ perSecond: number; sent: number; lost: number }> {
  const env: Record<string, string> = influxd ? { HEARTH_INFLUX_URL: influxd.url, HEARTH_INFLUX_DATABASE: 'hearth_bench_e2e' } : {}
  const t = await startTestPlatform(undefined, env)
  const devices: MqttClient[] = []
  const ids: string[] = []
  try {
    for (let i = 0; i < 20; i++) {
      const personId = await t.api.createPerson(`Bench ${i}`)
      const device = await t.api.provision('wearable', personId, `bench-wrist-${i}`)
      ids.push(device.id)
      devices.push(await connectDevice(t.mqttUrl, device, { clean: true }))
    }
    const counter = kind === 'embedded' ? 'hearth_readings_written_total' : 'hearth_readings_store_points_written_total'
    const stored = async (): Promise<number> => {
      const metrics = (await t.api.metrics()).body as string
      return Number(new RegExp(`^${counter} (\\d+)`, 'm').exec(metrics)?.[1] ?? 0)
    }
    const perPack = 100
    const packsPerDevice = Math.ceil(total / perPack / devices.length)
    // Live traffic: times from five minutes ago onwards, one second per pack, as devices send them.
    const base = Math.floor(Date.now() / 1000) - 300
    const started = performance.now()
    await Promise.all(
      devices.map(async (client, d) => {
        const inFlight = new Set<Promise<unknown>>()
        for (let p = 0; p < packsPerDevice; p++) {
          const pack = Array.from({ length: perPack }, (_, r) => ({ ...(r === 0 ? { bt: base + p } : {}), n: 'heart_rate', u: 'beat/min', v: 60 + (r % 40), t: r / perPack }))
          const sending = client.publishAsync(`wellbeing/v1/devices/${ids[d] ?? ''}/readings`, JSON.stringify(pack), { qos: 1 })
          inFlight.add(sending)
          void sending.finally(() => inFlight.delete(sending))
          if (inFlight.size >= 16) await Promise.race(inFlight)
        }
        await Promise.all(inFlight)
      }),
    )
    const sent = packsPerDevice * perPack * devices.length
    let last = -1
    let have = 0
    const deadline = Date.now() + 300_000
    while ((have = await stored()) < sent && Date.now() < deadline) {
      if (have !== last) progress(`  ${kind}: ${have.toLocaleString()} of ${sent.toLocaleString()} stored`)
      last = have
      await new Promise((resolve) => setTimeout(resolve, 250))
    }
    const seconds = (performance.now() - started) / 1000
    return { perSecond: Math.round(have / seconds), sent, lost: sent - have }
  } finally {
    await Promise.all(devices.map((c) => c.endAsync()))
    await t.close()
    removeDir(t.dataDir)
  }
}

async function loadAndQuery(store: ReadingsStore, people: number, days: number): Promise<{ writesPerSecond: number; points: number; medianMs: number; p95Ms: number }> {
  await store.start()
  const start = Date.parse('2026-01-05T00:00:00Z')
  const seconds = days * DAY_S
  const total = people * seconds
  let written = 0
  let writeMs = 0
  let batch: StoredReading[] = []
  let nextReport = 0.05
  for (let s = 0; s < seconds; s++) {
    for (let p = 0; p < people; p++) {
      const atMs = start + s * 1000
      batch.push({ personId: `p-bench-${p}`, deviceId: `wrist-${p}`, metric: 'heart_rate', value: 60 + ((s + p) % 40), atMs, receivedAtMs: atMs })
      if (batch.length === BATCH) {
        const t0 = performance.now()
        await store.writeBatch(batch)
        writeMs += performance.now() - t0
        written += batch.length
        batch = []
        if (written / total >= nextReport) {
          progress(`  ${store.kind}: loaded ${Math.round((100 * written) / total)}% (${written.toLocaleString()} points)`)
          nextReport += 0.05
        }
      }
    }
  }
  if (batch.length > 0) {
    const t0 = performance.now()
    await store.writeBatch(batch)
    writeMs += performance.now() - t0
    written += batch.length
  }
  const from = start + Math.floor(days / 2) * DAY_S * 1000
  const timings: number[] = []
  for (let i = 0; i < 25; i++) {
    const t0 = performance.now()
    const points = await store.series({ personId: 'p-bench-0', metric: 'heart_rate', fromMs: from, toMs: from + DAY_S * 1000, everyMs: 60_000 }, 5000)
    timings.push(performance.now() - t0)
    if (points.length !== 1440) throw new Error(`expected 1440 buckets, got ${points.length}`)
  }
  timings.shift() // the first query warms caches
  await store.close()
  return { writesPerSecond: Math.round(written / (writeMs / 1000)), points: written, medianMs: percentile(timings, 50), p95Ms: percentile(timings, 95) }
}

export type ReadingsStoreKind = 'embedded' | 'influxdb'

export interface ReadingsBenchOptions {
  quick: boolean
  stores: ReadingsStoreKind[]
  out: string
}

/** Runs the readings-path figures for each store, prints the table and writes DIR/readings.{json,md}. */
export async function runReadingsBench(options: ReadingsBenchOptions): Promise<void> {
  const { quick, stores } = options
  const [people, days, e2eTotal] = quick ? [10, 1, 100_000] : [100, 7, 1_000_000]
  const results: Figures[] = []
  for (const kind of stores) {
    progress(`${kind}: end to end, ${e2eTotal.toLocaleString()} readings from 20 simulated wearables`)
    const influxd = kind === 'influxdb' ? await startInfluxd() : undefined
    const dir = tempDir('hearth-bench-')
    try {
      const e2e = await endToEnd(kind, influxd, e2eTotal)
      progress(`${kind}: loading ${days} day(s) of 1 Hz data from ${people} people`)
      const store = influxd
        ? createInfluxReadingsStore({ url: influxd.url, database: 'hearth_bench', requestTimeoutMs: 60_000, retention: { rawRetentionMs: 3650 * DAY_S * 1000, rollupRetentionMs: 3650 * DAY_S * 1000 } })
        : createSqliteReadingsStore(join(dir, 'readings.db'))
      const q = await loadAndQuery(store, people, days)
      results.push({ store: kind, endToEndPerSecond: e2e.perSecond, sent: e2e.sent, lost: e2e.lost, rawWritesPerSecond: q.writesPerSecond, pointsLoaded: q.points, queryMedianMs: q.medianMs, queryP95Ms: q.p95Ms })
    } finally {
      await influxd?.destroy()
      removeDir(dir)
    }
  }
  const rows = results.map(
    (r) =>
      `| ${r.store} | ${r.endToEndPerSecond.toLocaleString('en-GB')} | ${r.lost} of ${r.sent.toLocaleString('en-GB')} | ${r.rawWritesPerSecond.toLocaleString('en-GB')} | ${r.pointsLoaded.toLocaleString('en-GB')} | ${r.queryMedianMs.toFixed(1)} ms (p95 ${r.queryP95Ms.toFixed(1)} ms) |`,
  )
  const table = [
    `Readings path (${quick ? 'quick' : 'full'} run, ${new Date().toISOString().slice(0, 10)})`,
    '',
    '| store | stored/s end to end | lost | raw writes/s (batches of 5,000) | points loaded | 24 h, 1 min buckets, one person |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n')
  console.log(`\n${table}\n`)
  const out = options.out
  mkdirSync(out, { recursive: true })
  writeFileSync(join(out, 'readings.json'), JSON.stringify({ quick, people, days, results }, null, 2))
  writeFileSync(join(out, 'readings.md'), `${table}\n`)
  console.log(`written to ${join(out, 'readings.json')} and ${join(out, 'readings.md')}`)
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { quick: { type: 'boolean' }, store: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    strict: true,
  })
  if (values.help) return void console.log(HELP)
  const which = values.store ?? 'both'
  if (!['embedded', 'influxdb', 'both'].includes(which)) throw new Error('--store must be embedded, influxdb or both')
  const stores = (which === 'both' ? ['embedded', 'influxdb'] : [which]) as ReadingsStoreKind[]
  await runReadingsBench({ quick: values.quick === true, stores, out: values.out ?? 'bench-results' })
}

// Run directly (tsx bench/readings-bench.ts); bench/run-bench.ts imports it instead.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error: unknown) => {
    console.error(`bench: ${error instanceof Error ? error.message : String(error)}`)
    process.exit(1)
  })
}
