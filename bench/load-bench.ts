import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { join } from 'node:path'
import { describeBrokerRun, runBrokerLoad, type BrokerLoadOptions, type BrokerRunFigures, type BrokerTarget } from './broker-compare.js'
import { progress } from './figures.js'
import { loadTables } from './load-report.js'
import { mosquittoVersion } from './mosquitto-broker.js'
import { runPlatformLoad, type PlatformLoadOptions, type PlatformRunFigures } from './platform-load.js'

/** Hearth and the reference pipeline take turns within each run, the order swapped each run, so that machine noise hits both. */
async function platformRound(options: PlatformLoadOptions, run: number, runs: number): Promise<PlatformRunFigures[]> {
  const order = run % 2 === 0 ? options.targets : [...options.targets].reverse()
  const results: PlatformRunFigures[] = []
  for (const target of order) {
    progress(`load: platform run ${run + 1} of ${runs}, ${target === 'hearth' ? 'Hearth' : 'the reference pipeline'}, ${options.devices.toLocaleString('en-GB')} devices`)
    results.push(await runPlatformLoad(options, target))
  }
  return results
}

export interface LoadBenchOptions {
  quick: boolean
  runs: number
  platform?: PlatformLoadOptions
  broker?: BrokerLoadOptions & { targets: BrokerTarget[] }
  out: string
}

export interface FailedBrokerRun {
  target: BrokerTarget
  failed: string
}

export interface LoadResults {
  quick: boolean
  date: string
  /** os.loadavg() (1, 5, 15 min) before and after: the machine is shared, and other work skews every figure. */
  loadAverage: { before: number[]; after: number[] }
  machine: { cores: number; cpu: string; node: string; aedes: string; mosquitto: string | undefined }
  options: LoadBenchOptions
  platformRuns: PlatformRunFigures[]
  brokerRuns: Array<BrokerRunFigures | FailedBrokerRun>
}

/** The defaults of `--quick` and of the full run (3 runs of each figure). */
export function loadDefaults(quick: boolean): { runs: number; platform: PlatformLoadOptions; broker: BrokerLoadOptions & { targets: BrokerTarget[] } } {
  return {
    runs: quick ? 1 : 3,
    platform: {
      devices: quick ? 1000 : 10_000,
      firstDevices: quick ? 500 : 1000,
      workers: 2,
      pendants: 60,
      pressesPerSecond: 20,
      readsPerSecond: 20,
      backgrounds: [0, 5000, 20_000, 'saturation'],
      packSize: 5,
      qos1Share: 0.5,
      statusEverySeconds: 300,
      saturationWindow: 1000,
      warmupMs: quick ? 750 : 5000,
      windowMs: quick ? 2000 : 20_000,
      settleMs: quick ? 500 : 3000,
      drainMs: quick ? 15_000 : 90_000,
      connectPerSecond: 2000,
      ingest: 'thread',
      broker: 'thread',
      targets: ['hearth', 'reference'],
    },
    broker: {
      targets: quick ? ['hearth', 'mosquitto'] : ['hearth', 'hearth-unlogged', 'mosquitto', 'aedes'],
      publishers: 1000,
      windows: quick ? [100] : [10, 100, 1000],
      latencyRate: 10_000,
      warmupMs: quick ? 500 : 2000,
      windowMs: quick ? 2000 : 8000,
      settleMs: quick ? 300 : 2000,
    },
  }
}

function aedesVersion(): string {
  const url = new URL('../node_modules/aedes/package.json', import.meta.url)
  return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version
}

/** Hearth and mosquitto take turns, the order swapped each run, so neither always runs on a warmer machine. */
async function brokerRound(options: NonNullable<LoadBenchOptions['broker']>, run: number): Promise<Array<BrokerRunFigures | FailedBrokerRun>> {
  const order = run % 2 === 0 ? options.targets : [...options.targets].sort((a, b) => (a === 'mosquitto' ? -1 : b === 'mosquitto' ? 1 : 0))
  const results: Array<BrokerRunFigures | FailedBrokerRun> = []
  for (const target of order) {
    progress(`  broker only, run ${run + 1}: ${target}`)
    try {
      const figures = await runBrokerLoad(target, options)
      progress(describeBrokerRun(figures))
      results.push(figures)
    } catch (error) {
      const failed = error instanceof Error ? error.message : String(error)
      progress(`    ${target} failed: ${failed}`)
      results.push({ target, failed })
    }
  }
  return results
}

/** Writes load.json and load.md; returns the Markdown. */
function write(results: LoadResults, out: string, partial?: string): string {
  results.loadAverage.after = loadavg()
  const { markdown } = loadTables(results)
  const text = partial ? `(${partial})\n\n${markdown}` : markdown
  mkdirSync(out, { recursive: true })
  writeFileSync(join(out, 'load.json'), `${JSON.stringify({ ...results, ...(partial ? { partial } : {}) }, null, 2)}\n`)
  writeFileSync(join(out, 'load.md'), `${text}\n`)
  return text
}

export async function runLoadBench(options: LoadBenchOptions): Promise<LoadResults> {
  const results: LoadResults = {
    quick: options.quick,
    date: new Date().toISOString(),
    loadAverage: { before: loadavg(), after: [] },
    machine: { cores: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', node: process.version, aedes: aedesVersion(), mosquitto: mosquittoVersion() },
    options,
    platformRuns: [],
    brokerRuns: [],
  }
  if ((results.loadAverage.before[0] ?? 0) > 0.5) {
    progress(`load: the machine is busy before the bench starts (load average ${results.loadAverage.before.map((l) => l.toFixed(2)).join(', ')}): figures will be skewed`)
  }
  if (options.broker?.targets.includes('mosquitto') && !results.machine.mosquitto) {
    throw new Error('mosquitto is not installed (Debian: apt-get install mosquitto), or leave it out with --brokers')
  }
  if (options.platform?.targets.includes('reference') && !results.machine.mosquitto) {
    throw new Error('mosquitto is not installed (Debian: apt-get install mosquitto), or leave the reference pipeline out with --target hearth')
  }
  for (let run = 0; run < options.runs; run++) {
    if (options.platform) results.platformRuns.push(...(await platformRound(options.platform, run, options.runs)))
    if (options.broker) results.brokerRuns.push(...(await brokerRound(options.broker, run)))
    // After every run, so that a long bench stopped half-way still leaves what it measured.
    if (run < options.runs - 1) write(results, options.out, `partial: ${run + 1} of ${options.runs} runs`)
  }
  const markdown = write(results, options.out)
  console.log(`\n${markdown}\n`)
  console.log(`written to ${join(options.out, 'load.json')} and ${join(options.out, 'load.md')}`)
  return results
}
