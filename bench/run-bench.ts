import { parseArgs } from 'node:util'
import type { BrokerTarget } from './broker-compare.js'
import { progress } from './figures.js'
import { loadDefaults, runLoadBench } from './load-bench.js'
import { TARGET_NAMES, type TargetName } from './load-target.js'
import type { Background } from './platform-load.js'
import { runReadingsBench, type ReadingsStoreKind } from './readings-bench.js'

const HELP = `Usage: npm run bench -- [options]

Runs the load bench (thousands of simulated devices against the platform and against a reference
pipeline built from Debian's mosquitto, and the broker alone against mosquitto), then the readings
bench. Progress goes to stderr, tables to stdout;
results to DIR/load.json, DIR/load.md, DIR/readings.json and DIR/readings.md.

Options
  --quick                 a smoke run of a minute or two: 1,000 devices, 2 s windows, one run, the
                          broker at one in-flight window, readings on the embedded store only
  --only PART             load (platform and broker), platform, broker or readings; default all
  --out DIR               where results go (default bench-results)
  --runs N                runs of each load figure, reported as median (min-max) (full 3, quick 1)
  --devices N             simulated devices connected to the platform (full 10000, quick 1000)
  --workers N             load-generating processes (default 2)
  --backgrounds LIST      background readings/s under which alarms are timed
                          (default 0,5000,20000,saturation)
  --window-s S            measured window per background (full 20, quick 2)
  --pack-size N           SenML records per readings message (default 5)
  --qos1-share F          share of readings messages sent at QoS 1, 0 to 1 (default 0.5)
  --status-every-s S      each device's status check-in interval (default 300)
  --presses-per-s N       alarm presses per second timed to the dashboard (default 20)
  --reads-per-s N         dashboard reads of records and timelines per second meanwhile, each
                          audited (default 20; 0 for none)
  --saturation-window N   QoS 1 readings messages kept in flight at saturation (default 1000)
  --brokers LIST          broker-only targets: hearth, hearth-unlogged (readings log kept nowhere:
                          the log's cost), mosquitto, aedes (full: hearth, hearth-unlogged,
                          mosquitto, aedes; quick: hearth, mosquitto)
  --publishers N          broker-only publishers (default 1000)
  --broker-windows LIST   in-flight windows tried at broker saturation (full 10,100,1000, quick 100)
  --store KIND            readings bench store: embedded, influxdb or both (full both, quick embedded)
  --target WHICH          what the platform part measures: hearth, reference (the floor: Debian's
                          mosquitto, a minimal SQLite ingest process and a minimal alerting process
                          with a durable journal; see bench/README.md) or both, in turns within
                          each run, with Hearth / reference ratios (default both)
  --ingest WHERE          thread (as shipped: readings parsed and stored in a thread of their own)
                          or loop (on the event loop that carries alarms, as before): the
                          alarms-first comparison
  --broker WHERE          thread (as shipped: the MQTT broker in a thread of its own) or loop (on
                          the event loop that carries alarms, as before)
  --profile               write V8 CPU profiles of the platform and broker processes to DIR
  -h, --help              this text

Figures (load)
  - readings stored per second end to end, counted in the store (hearth_readings_written_total),
    under each background, and readings lost (sent by the devices, never stored: must be 0);
  - alarm press to socket.io 'alert' on a signed-in dashboard: p50, p99, max, under each background;
  - platform CPU (process.cpuUsage) in cores and per 1,000 readings stored; its event-loop delay p99;
  - platform RSS with the alarm probe alone, with 1,000 and with all devices connected and idle,
    and per connection;
  - each of these on the reference pipeline too (--target), summed over its three processes, and
    the ratio Hearth / reference for each (throughput: Hearth stored/s over the reference's);
  - broker alone (Hearth's broker/create-broker.ts, Debian's mosquitto, stock aedes), publishers
    at QoS 1 to one QoS 1 subscriber: delivered msg/s at saturation, latency p50/p99/max at
    10,000 msg/s, RSS per idle connection, messages lost; Hearth/mosquitto ratio for each.
  mosquitto runs on a free loopback port with a config file the bench writes (settings printed).
Figures (readings): see bench/readings-bench.ts --help.`

const list = (text: string | undefined): string[] | undefined => text?.split(',').map((s) => s.trim()).filter((s) => s.length > 0)

function number(text: string | undefined, name: string, fallback: number): number {
  if (text === undefined) return fallback
  const value = Number(text)
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a number, 0 or more`)
  return value
}

function backgrounds(text: string | undefined, fallback: readonly Background[]): Background[] {
  return (list(text) ?? fallback.map(String)).map((b) => (b === 'saturation' ? 'saturation' : number(b, '--backgrounds', 0)))
}

function brokers(text: string | undefined, fallback: BrokerTarget[]): BrokerTarget[] {
  const chosen = list(text) ?? fallback
  for (const b of chosen) if (!['hearth', 'hearth-unlogged', 'mosquitto', 'aedes'].includes(b)) throw new Error(`unknown broker ${b}`)
  return chosen as BrokerTarget[]
}

function platformTargets(text: string | undefined): TargetName[] {
  const chosen = text ?? 'both'
  if (chosen === 'both') return [...TARGET_NAMES]
  if (!(TARGET_NAMES as readonly string[]).includes(chosen)) throw new Error('--target must be hearth, reference or both')
  return [chosen as TargetName]
}

function threadOrLoop(text: string | undefined, option: string): 'thread' | 'loop' {
  if (text === undefined || text === 'thread' || text === 'loop') return text ?? 'thread'
  throw new Error(`${option} must be thread or loop`)
}

const OPTIONS = {
  quick: { type: 'boolean' },
  only: { type: 'string' },
  out: { type: 'string' },
  runs: { type: 'string' },
  devices: { type: 'string' },
  workers: { type: 'string' },
  backgrounds: { type: 'string' },
  'window-s': { type: 'string' },
  'pack-size': { type: 'string' },
  'qos1-share': { type: 'string' },
  'status-every-s': { type: 'string' },
  'presses-per-s': { type: 'string' },
  'reads-per-s': { type: 'string' },
  'saturation-window': { type: 'string' },
  brokers: { type: 'string' },
  publishers: { type: 'string' },
  'broker-windows': { type: 'string' },
  store: { type: 'string' },
  ingest: { type: 'string' },
  broker: { type: 'string' },
  target: { type: 'string' },
  profile: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const

async function main(): Promise<void> {
  const { values: v } = parseArgs({ options: OPTIONS, strict: true })
  if (v.help) return void console.log(HELP)
  const only = v.only ?? 'all'
  if (!['all', 'load', 'platform', 'broker', 'readings'].includes(only)) throw new Error('--only must be load, platform, broker or readings')
  const quick = v.quick === true
  const out = v.out ?? 'bench-results'
  const d = loadDefaults(quick)
  const platform = {
    ...d.platform,
    devices: number(v.devices, '--devices', d.platform.devices),
    workers: Math.max(1, number(v.workers, '--workers', d.platform.workers)),
    backgrounds: backgrounds(v.backgrounds, d.platform.backgrounds),
    windowMs: number(v['window-s'], '--window-s', d.platform.windowMs / 1000) * 1000,
    packSize: Math.max(1, number(v['pack-size'], '--pack-size', d.platform.packSize)),
    qos1Share: Math.min(1, number(v['qos1-share'], '--qos1-share', d.platform.qos1Share)),
    statusEverySeconds: number(v['status-every-s'], '--status-every-s', d.platform.statusEverySeconds),
    pressesPerSecond: Math.max(1, number(v['presses-per-s'], '--presses-per-s', d.platform.pressesPerSecond)),
    readsPerSecond: Math.max(0, number(v['reads-per-s'], '--reads-per-s', d.platform.readsPerSecond)),
    saturationWindow: Math.max(1, number(v['saturation-window'], '--saturation-window', d.platform.saturationWindow)),
    ingest: threadOrLoop(v.ingest, '--ingest'),
    broker: threadOrLoop(v.broker, '--broker'),
    targets: platformTargets(v.target),
    ...(v.profile ? { profileDir: out } : {}),
  }
  platform.firstDevices = Math.min(platform.firstDevices, Math.floor(platform.devices / 2))
  const broker = {
    ...d.broker,
    targets: brokers(v.brokers, d.broker.targets),
    publishers: Math.max(1, number(v.publishers, '--publishers', d.broker.publishers)),
    ...(v.profile ? { profileDir: out } : {}),
    windows: (list(v['broker-windows']) ?? d.broker.windows.map(String)).map((w) => Math.max(1, number(w, '--broker-windows', 100))),
  }
  if (only !== 'readings') {
    await runLoadBench({
      quick,
      runs: Math.max(1, number(v.runs, '--runs', d.runs)),
      ...(only === 'broker' ? {} : { platform }),
      ...(only === 'platform' ? {} : { broker }),
      out,
    })
  }
  if (only === 'all' || only === 'readings') {
    const store = v.store ?? (quick ? 'embedded' : 'both')
    if (!['embedded', 'influxdb', 'both'].includes(store)) throw new Error('--store must be embedded, influxdb or both')
    progress('readings bench')
    await runReadingsBench({ quick, stores: (store === 'both' ? ['embedded', 'influxdb'] : [store]) as ReadingsStoreKind[], out })
  }
}

main().catch((error: unknown) => {
  console.error(`bench: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
})
