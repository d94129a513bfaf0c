import type { Plugin } from 'esbuild'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Child } from './child-rpc.js'
import { bundleForNode } from './plain-node.js'
import type { PlatformChildApi } from './platform-child.js'
import type { Credentials } from './provision-fleet.js'

/** What the platform bench drives: Hearth itself, or the reference pipeline it is compared against. */
export type TargetName = 'hearth' | 'reference'

export const TARGET_NAMES: readonly TargetName[] = ['hearth', 'reference']

/** How the alarm probe reaches a target's dashboard: Hearth's signed-in socket.io, or the reference's open one. */
export type ProbeConnection = { kind: 'hearth'; httpUrl: string; adminPassword: string } | { kind: 'reference'; alertUrl: string }

export interface TargetStats {
  /** Resident memory of all the target's processes. */
  rssBytes: number
  /** CPU time (user + system) of all the target's processes, microseconds. */
  cpuMicros: number
  /** Event-loop delay p99 since the previous sample, of the process that emits alerts. */
  loopDelayP99Ms: number
  /**
   * Event-loop delay p99 over the last 10 s of the thread that reads devices' packets, where that
   * is not the one that emits alerts (Hearth's broker thread); undefined otherwise.
   */
  readerDelayP99Ms?: number
}

/** A running target: where devices connect, where the probe listens, and what it stored and spent. */
export interface LoadTarget {
  readonly name: TargetName
  readonly mqttPort: number
  readonly probe: ProbeConnection
  /** False once any of its processes has died. */
  readonly alive: boolean
  /** Readings written to its store so far. */
  storedCount(): Promise<number>
  stats(): Promise<TargetStats>
  stop(): Promise<void>
}

export interface TargetStartParams {
  dataDir: string
  /** Every device that will connect: the load fleet and the probe's pendants. */
  devices: readonly Credentials[]
  ingest: 'thread' | 'loop'
  broker: 'thread' | 'loop'
  profileDir?: string
}

const ADMIN_PASSWORD = 'bench-admin-password-1'

/**
 * platform-child.ts as plain JavaScript in `dir`, its imports of the platform pointing into
 * build/ (what `npm start` runs, compiled by build-server.ts): Hearth runs on Node alone, its
 * threads too, with no TypeScript loader in its memory or its start.
 */
async function buildPlatformChild(dir: string): Promise<string> {
  const root = fileURLToPath(new URL('..', import.meta.url))
  const fromBuild: Plugin = {
    name: 'hearth-from-build',
    setup(b) {
      b.onResolve({ filter: /^\.\.\/platform\// }, (args) => ({ path: join(root, 'build', 'platform', args.path.slice('../platform/'.length)), external: true }))
    },
  }
  const built = await bundleForNode(dir, [new URL('./platform-child.ts', import.meta.url).href], [fromBuild])
  return built.get('platform-child') ?? ''
}

/**
 * Hearth as `npm start` runs it (platform-child.ts on build/), on the data dir the bench provisioned;
 * readings stored are counted in its store (`hearth_readings_written_total` on `/metrics`).
 */
export async function startHearthTarget(params: TargetStartParams): Promise<LoadTarget> {
  const profile = params.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${params.profileDir}`] : []
  const child = await buildPlatformChild(join(params.dataDir, 'bench-child'))
  const platform = Child.start<PlatformChildApi>('platform', child, { execArgv: profile, plain: true })
  let ports: Awaited<ReturnType<PlatformChildApi['start']>>
  try {
    ports = await platform.call('start', { dataDir: params.dataDir, adminPassword: ADMIN_PASSWORD, ingest: params.ingest, broker: params.broker })
  } catch (error) {
    await platform.stop(30_000)
    throw error
  }
  const metricsUrl = `http://127.0.0.1:${ports.metricsPort}/metrics`
  let lastStored = 0
  return {
    name: 'hearth',
    mqttPort: ports.mqttPort,
    probe: { kind: 'hearth', httpUrl: `http://127.0.0.1:${ports.httpPort}`, adminPassword: ADMIN_PASSWORD },
    get alive() {
      return platform.alive
    },
    async storedCount() {
      const text = await (await fetch(metricsUrl)).text()
      // A scrape the ingest thread did not answer in time has no count: the last one read stands.
      const count = /^hearth_readings_written_total (\d+)/m.exec(text)?.[1]
      if (count !== undefined) lastStored = Number(count)
      return lastStored
    },
    async stats() {
      const stats = await platform.call('stats', undefined)
      const text = await (await fetch(metricsUrl)).text()
      const reader = /^hearth_broker_event_loop_delay_seconds\{quantile="0\.99"\} ([\d.e+-]+)$/m.exec(text)?.[1]
      return reader === undefined ? stats : { ...stats, readerDelayP99Ms: Number(reader) * 1000 }
    },
    stop: () => platform.stop(30_000),
  }
}
