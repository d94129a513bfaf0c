import { execFile, execFileSync } from 'node:child_process'
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, renameSync, rmSync, statfsSync, unlinkSync, writeFileSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { startInfluxd, type Influxd } from '../harness/influxd.js'
import { removeDir, tempDir } from '../harness/test-platform.js'
import type { Fleet } from './fleet.js'
import { atInterrupt } from './interrupt.js'
import type { ChaosOptions } from './options.js'
import type { PlatformRunner } from './platform-runner.js'

const run = promisify(execFile)
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

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

interface FaultContext {
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

/** A fresh data folder in the system's temporary directory. */
function plainSetup(env: Record<string, string> = {}, extra: Pick<Setup, 'influx' | 'clockFile'> & { tearDown?: () => Promise<void> } = {}): Setup {
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

/** Kills or stops the platform with `signal`, waits a second (a service manager's restart delay), and starts it again on the same folder and ports. */
async function stopAndRestart(ctx: FaultContext, signal: NodeJS.Signals): Promise<FaultRun> {
  const startedAtMs = Date.now()
  await ctx.platform.stopWith(signal)
  const stoppedInMs = Date.now() - startedAtMs
  await sleep(1000)
  const endedAtMs = Date.now()
  ctx.progress('starting the platform again on the same data folder and ports')
  await ctx.platform.start()
  return { startedAtMs, endedAtMs, notes: [`the platform exited ${stoppedInMs} ms after ${signal} and was started again 1 s later; it was up ${Date.now() - endedAtMs} ms after that`] }
}

const kill9: Fault = {
  name: 'kill9',
  title: 'kill -9 under load, then restart',
  describe: 'SIGKILL to the platform under load; after 1 s it is started again on the same data folder and ports',
  prepare: () => Promise.resolve(plainSetup()),
  inject: (ctx) => stopAndRestart(ctx, 'SIGKILL'),
}

const sigterm: Fault = {
  name: 'sigterm',
  title: 'SIGTERM under load, then restart',
  describe: 'SIGTERM to the platform under load (it stops as it does for a service manager); after 1 s it is started again',
  prepare: () => Promise.resolve(plainSetup()),
  inject: (ctx) => stopAndRestart(ctx, 'SIGTERM'),
}

const INFLUX_DATABASE = 'hearth'

const influx: Fault = {
  name: 'influx',
  title: 'InfluxDB killed, then back',
  describe: 'readings go to a real influxd on loopback; it is killed (SIGKILL) under load and started again after the outage (60 s; 10 s with --short)',
  async prepare() {
    try {
      await run('influxd', ['version'])
    } catch {
      return { skip: "Debian's influxd is not installed (bash .ci/install-packages installs it)" }
    }
    const server = await startInfluxd()
    return plainSetup(
      { HEARTH_INFLUX_URL: server.url, HEARTH_INFLUX_DATABASE: INFLUX_DATABASE },
      { influx: { server, url: server.url, database: INFLUX_DATABASE }, tearDown: () => server.destroy() },
    )
  },
  async inject(ctx) {
    const server = ctx.setup.influx?.server
    if (!server) throw new Error('influxd is not running')
    const startedAtMs = Date.now()
    await server.stop('SIGKILL')
    ctx.progress(`influxd killed; back in ${ctx.options.influxOutageMs / 1000} s`)
    await sleep(ctx.options.influxOutageMs)
    const endedAtMs = Date.now()
    await server.start()
    const spooled = (await ctx.platform.metrics(['hearth_readings_spool_depth']))?.get('hearth_readings_spool_depth')
    return { startedAtMs, endedAtMs, notes: [`influxd answered /ping ${Date.now() - endedAtMs} ms after it was started again${spooled === undefined ? '' : `; ${spooled} readings spooled then`}`] }
  },
}

const MOUNT_HEADROOM_BYTES = 512 * 1024
const FULL_BELOW_BYTES = 64 * 1024

function freeBytes(path: string): number {
  const s = statfsSync(path)
  return s.bavail * s.bsize
}

const diskFull: Fault = {
  name: 'diskfull',
  title: 'disk full, then space freed',
  describe: 'the data folder on a small tmpfs; under load a ballast file takes all but 512 KiB, the platform fills the rest, the disk stays full (30 s; 8 s with --short), then the ballast goes',
  async prepare(options) {
    const mount = mkdtempSync(join(tmpdir(), 'hearth-chaos-disk-'))
    try {
      await run('mount', ['-t', 'tmpfs', '-o', `size=${options.tmpfsMb}m,mode=0700`, 'tmpfs', mount])
    } catch (error) {
      rmSync(mount, { recursive: true, force: true })
      const why = ((error as { stderr?: string }).stderr ?? (error as Error).message).trim()
      return { skip: `mounting a tmpfs is not permitted here (${why}); run as root, with the right to mount` }
    }
    const dataDir = join(mount, 'data')
    mkdirSync(dataDir)
    const forget = atInterrupt(() => {
      execFileSync('umount', ['-l', mount])
      rmSync(mount, { recursive: true, force: true })
    })
    return {
      dataDir,
      env: {},
      mount,
      async tearDown(keep) {
        forget()
        if (keep) {
          // The data stays readable where it was mounted until unmounted by hand.
          return
        }
        await run('umount', [mount]).catch(() => run('umount', ['-l', mount]))
        rmSync(mount, { recursive: true, force: true })
      },
    }
  },
  async inject(ctx) {
    const mount = ctx.setup.mount
    if (!mount) throw new Error('the tmpfs is not mounted')
    const ballast = join(mount, 'ballast')
    const startedAtMs = Date.now()
    const fd = openSync(ballast, 'w')
    const chunk = Buffer.alloc(1024 * 1024)
    try {
      for (let room = freeBytes(mount) - MOUNT_HEADROOM_BYTES; room > 0; room = freeBytes(mount) - MOUNT_HEADROOM_BYTES) {
        writeSync(fd, chunk, 0, Math.min(chunk.length, room))
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error
    } finally {
      closeSync(fd)
    }
    ctx.progress(`ballast written; ${Math.round(freeBytes(mount) / 1024)} KiB left for the platform to fill`)
    const deadline = Date.now() + 20_000
    while (freeBytes(mount) >= FULL_BELOW_BYTES && Date.now() < deadline) await sleep(100)
    const fullAtMs = Date.now()
    const full = freeBytes(mount) < FULL_BELOW_BYTES
    ctx.progress(full ? `disk full (${Math.round(freeBytes(mount) / 1024)} KiB free); holding ${ctx.options.diskFullMs / 1000} s` : 'the platform did not fill the last space in 20 s; holding anyway')
    await sleep(ctx.options.diskFullMs)
    unlinkSync(ballast)
    const endedAtMs = Date.now()
    return {
      startedAtMs,
      endedAtMs,
      notes: [full ? `disk full ${fullAtMs - startedAtMs} ms after the ballast began, for ${endedAtMs - fullAtMs} ms` : `the disk never went below ${FULL_BELOW_BYTES / 1024} KiB free`],
    }
  },
}

const sigstop: Fault = {
  name: 'sigstop',
  title: 'paused (SIGSTOP), then SIGCONT',
  describe: 'SIGSTOP freezes the platform (every thread) under load for 20 s (10 s with --short), then SIGCONT',
  prepare: () => Promise.resolve(plainSetup()),
  async inject(ctx) {
    const startedAtMs = Date.now()
    ctx.platform.signal('SIGSTOP')
    await sleep(ctx.options.pauseMs)
    const endedAtMs = Date.now()
    ctx.platform.signal('SIGCONT')
    return { startedAtMs, endedAtMs, notes: [] }
  },
}

/** libfaketime's multithreaded build (the platform runs ingest in a worker thread), from Debian's libfaketime. */
function findLibfaketime(): string | undefined {
  const candidates = ['/usr/lib/faketime/libfaketimeMT.so.1']
  try {
    for (const dir of readdirSync('/usr/lib')) candidates.push(join('/usr/lib', dir, 'faketime', 'libfaketimeMT.so.1'))
  } catch {
    // no /usr/lib
  }
  return candidates.find((path) => existsSync(path))
}

/** The platform's clock as its HTTP answers date it (the Date header, to the second). */
async function platformClockOffsetMs(ctx: FaultContext): Promise<number | undefined> {
  try {
    const response = await fetch(`${ctx.platform.httpUrl}/healthz`, { signal: AbortSignal.timeout(5000) })
    const date = response.headers.get('date')
    return date ? Date.parse(date) - Date.now() : undefined
  } catch {
    return undefined
  }
}

/** A new offset for libfaketime, written beside the file and renamed over it, so that it never reads half a file. */
function setOffset(file: string, offsetMs: number): void {
  writeFileSync(`${file}.new`, `+${Math.round(offsetMs / 1000)}\n`)
  renameSync(`${file}.new`, file)
}

const hours = (ms: number): string => (ms / 3_600_000).toFixed(2)

/** Polls the platform's clock until it reads `offsetMs` (within 2 s), for at most 10 s; the last reading and when. */
async function clockReads(ctx: FaultContext, offsetMs: number): Promise<{ offsetMs?: number; afterMs: number }> {
  const began = Date.now()
  let last: number | undefined
  while (Date.now() - began < 10_000) {
    last = await platformClockOffsetMs(ctx)
    if (last !== undefined && Math.abs(last - offsetMs) < 2000) break
    await sleep(200)
  }
  return { ...(last === undefined ? {} : { offsetMs: last }), afterMs: Date.now() - began }
}

const clockJump: Fault = {
  name: 'clock',
  title: 'wall clock jumped ahead, then back',
  describe:
    "the platform's wall clock (only the platform's, through libfaketime) jumps 26 h ahead under load, stays there 20 s (5 s with --short), then jumps back to the true time; the devices' clocks stay true",
  prepare() {
    const library = findLibfaketime()
    if (!library) return Promise.resolve({ skip: "libfaketime is not installed (Debian's libfaketime; bash .ci/install-packages installs it)" })
    const dir = mkdtempSync(join(tmpdir(), 'hearth-chaos-clock-'))
    const file = join(dir, 'faketime.rc')
    writeFileSync(file, '+0\n')
    return Promise.resolve(
      plainSetup(
        {
          LD_PRELOAD: library,
          // An offset read from this file, at most a second old: the scenario changes it while the platform runs.
          FAKETIME_TIMESTAMP_FILE: file,
          FAKETIME_CACHE_DURATION: '1',
          // Only the wall clock jumps, as when NTP steps it: timers and timeouts run on the monotonic clock.
          FAKETIME_DONT_FAKE_MONOTONIC: '1',
          FAKETIME_DISABLE_SHM: '1',
        },
        {
          clockFile: file,
          tearDown: () => {
            rmSync(dir, { recursive: true, force: true })
            return Promise.resolve()
          },
        },
      ),
    )
  },
  async inject(ctx) {
    const file = ctx.setup.clockFile
    if (!file) throw new Error('no clock file')
    const jumpMs = Math.round(ctx.options.clockJumpHours * 3600) * 1000
    const notes: string[] = []
    const startedAtMs = Date.now()
    setOffset(file, jumpMs)
    const ahead = await clockReads(ctx, jumpMs)
    notes.push(ahead.offsetMs === undefined ? 'the platform did not answer while its clock was ahead' : `the platform's clock read ${hours(ahead.offsetMs)} h ahead (its HTTP Date header) ${ahead.afterMs} ms after the jump`)
    ctx.progress(`platform clock ${ahead.offsetMs === undefined ? '?' : hours(ahead.offsetMs)} h ahead; back in ${ctx.options.clockJumpMs / 1000} s`)
    await sleep(Math.max(0, ctx.options.clockJumpMs - (Date.now() - startedAtMs)))
    setOffset(file, 0)
    const endedAtMs = Date.now()
    const back = await clockReads(ctx, 0)
    notes.push(
      back.offsetMs === undefined
        ? 'the platform did not answer after its clock jumped back'
        : Math.abs(back.offsetMs) < 2000
          ? `and the true time again (within 2 s) ${back.afterMs} ms after the jump back`
          : `and still ${hours(back.offsetMs)} h off ${back.afterMs} ms after the jump back`,
    )
    return { startedAtMs, endedAtMs, notes }
  },
}

const flood: Fault = {
  name: 'flood',
  title: 'one pendant flooding alarm.pressed',
  describe: 'one pendant gone wrong tries to send 5,000 alarm.pressed a second (QoS 1, up to 1,000 in flight) for 20 s (8 s with --short) while the others carry on; their alarms must still be answered',
  flooder: true,
  prepare: () => Promise.resolve(plainSetup()),
  async inject(ctx) {
    const startedAtMs = Date.now()
    ctx.fleet.startFlood(ctx.options.floodRate)
    await sleep(ctx.options.floodMs)
    const offered = ctx.fleet.stopFlood()
    const endedAtMs = Date.now()
    const seconds = (endedAtMs - startedAtMs) / 1000
    const sent = offered - ctx.fleet.floodHeldBack
    return {
      startedAtMs,
      endedAtMs,
      notes: [
        `the flooding pendant pressed ${offered} times in ${seconds.toFixed(1)} s; ${sent} went to its connection (${Math.round(sent / seconds)}/s), ${ctx.fleet.floodHeldBack} were held back while it already had its window queued`,
      ],
    }
  },
}

export const FAULTS: readonly Fault[] = [kill9, sigterm, influx, diskFull, sigstop, clockJump, flood]
