import type { Influxd } from '../../harness/influxd.js'
import { removeDir, tempDir } from '../../harness/test-platform.js'
import type { Fleet } from '../fleet.js'
import type { ChaosOptions } from '../options.js'
import type { PlatformRunner } from '../platform-runner.js'

/** Where a scenario's platform keeps its data, what else it runs with, and how to undo it all. */
export interface Setup {
  dataDir: string
  env: Record<string, string>
  /** Set when readings go to a real InfluxDB: the server, and where to read readings back. */
  influx?: { server: Influxd; url: string; database: string }
  /** The tmpfs the data folder is on (disk full). */
  mount?: string
  /** The file libfaketime reads the platform's clock offset from (clock jump). */
  clockFile?: string
  /** After the platform has stopped and what it stored has been read. */
  tearDown(keep: boolean): Promise<void>
}

/** What a fault is done to and with, while the scenario's load goes on. */
export interface FaultContext {
  platform: PlatformRunner
  fleet: Fleet
  options: ChaosOptions
  setup: Setup
  progress(line: string): void
}

/** When the fault began, and when it ended (the restart, the resume, the space freed), on this process's clock. */
export interface FaultRun {
  startedAtMs: number
  endedAtMs: number
  notes: string[]
}

/** One fault of the suite (index.ts lists them): how it is set up, then done and undone under load. */
export interface Fault {
  name: string
  title: string
  /** What it does, for --help. */
  describe: string
  /** The scenario adds a pendant that floods. */
  flooder?: boolean
  /** The scenario's data folder and environment, or why this fault cannot run here. */
  prepare(options: ChaosOptions, progress: (line: string) => void): Promise<Setup | { skip: string }>
  inject(ctx: FaultContext): Promise<FaultRun>
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** A fresh data folder in the system's temporary directory. */
export function plainSetup(env: Record<string, string> = {}, extra: Pick<Setup, 'influx' | 'clockFile'> & { tearDown?: () => Promise<void> } = {}): Setup {
  const dataDir = tempDir('hearth-chaos-')
  return {
    dataDir,
    env,
    ...(extra.influx ? { influx: extra.influx } : {}),
    ...(extra.clockFile ? { clockFile: extra.clockFile } : {}),
    async tearDown(keep) {
      await extra.tearDown?.()
      if (!keep) removeDir(dataDir)
    },
  }
}
