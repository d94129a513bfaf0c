import type { LoadTally, MixedStream } from '../simulators/load-devices.js'
import { removeDir, tempDir } from '../harness/test-platform.js'
import type { AlarmProbeApi, ProbeResult } from './alarm-probe.js'
import { Child } from './child-rpc.js'
import { MIB, percentile, progress, sleep } from './figures.js'
import { startHearthTarget, type LoadTarget, type TargetName, type TargetStats } from './load-target.js'
import type { LoadWorkerApi } from './load-worker.js'
import { provisionFleet, type Credentials } from './provision-fleet.js'
import { startReferenceTarget } from './reference/reference-pipeline.js'

export type Background = number | 'saturation'

export interface PlatformLoadOptions {
  devices: number
  /** The smaller fleet whose idle memory is measured first. */
  firstDevices: number
  workers: number
  pendants: number
  pressesPerSecond: number
  /** Dashboard reads of people's records and timelines per second while alarms are timed: each is audited. */
  readsPerSecond: number
  backgrounds: readonly Background[]
  packSize: number
  qos1Share: number
  statusEverySeconds: number
  saturationWindow: number
  warmupMs: number
  windowMs: number
  settleMs: number
  /** Upper bound on waiting, after each background, for the platform to store what was sent. */
  drainMs: number
  connectPerSecond: number
  /** Where the platform parses and stores readings: its ingest thread (as shipped) or the event loop that carries alarms. */
  ingest: 'thread' | 'loop'
  /** Where the platform runs its MQTT broker: a thread of its own (as shipped) or the event loop that carries alarms. */
  broker: 'thread' | 'loop'
  /** Writes a V8 CPU profile of the platform process into this folder. */
  profileDir?: string
  /** What is measured, in turns within each run: Hearth, the reference pipeline (bench/reference/), or both. */
  targets: TargetName[]
}

interface BackgroundFigures {
  background: Background
  /** Readings the load workers managed to send per second over warm-up and window (below the background when they were starved of CPU). */
  sentPerSecond: number
  storedPerSecond: number
  /** Platform CPU time (user + system) per 1,000 readings stored, in ms. */
  cpuMsPer1k: number
  /** Share of one core the platform used in the window. */
  cpuCores: number
  alarm: { p50Ms: number; p99Ms: number; maxMs: number; samples: number; missed: number; toPlatformP99Ms: number }
  /** The audited dashboard reads made during the window: per second, their p99, and those that failed or were refused. */
  reads: { perSecond: number; p99Ms: number; failed: number }
  loopDelayP99Ms: number
  /** The broker thread's event-loop delay p99 over the window's last 10 s (Hearth with the broker in its own thread). */
  readerDelayP99Ms?: number
  /** Readings sent but not yet stored when the backlog stopped shrinking or the drain limit passed (0 when the platform kept up). */
  backlogAfter: number
}

export interface PlatformRunFigures {
  /** What ran: Hearth or the reference pipeline (runs written before there was a reference have none: Hearth). */
  target?: TargetName
  /** Devices connected per second (CONNACK, SUBACK and the retained status sent), growing the fleet from `firstDevices` to `devices`. */
  connectsPerSecond: number
  rssMiB: { base: number; first: number; all: number }
  perConnectionKiB: number
  backgrounds: BackgroundFigures[]
  readingsSent: number
  readingsStored: number
  /** Sent and never stored: counted after the last drain (the platform's own queues had stopped moving). */
  lost: number
  /** Set when the platform process died during the run (its queued readings died with it). */
  crashed?: string
  refusals: number
  disconnects: number
}

const HERE = import.meta.url

interface Rig {
  target: LoadTarget
  probe: Child<AlarmProbeApi>
  workers: Array<Child<LoadWorkerApi>>
}

const STARTERS: Record<TargetName, typeof startHearthTarget> = { hearth: startHearthTarget, reference: startReferenceTarget }

async function startRig(options: PlatformLoadOptions, name: TargetName, dataDir: string, fleet: Credentials[], pendants: Credentials[]): Promise<Rig> {
  const target = await STARTERS[name]({ dataDir, devices: [...fleet, ...pendants], ingest: options.ingest, broker: options.broker, ...(options.profileDir ? { profileDir: options.profileDir } : {}) })
  const probe = Child.start<AlarmProbeApi>('alarm probe', new URL('./alarm-probe.ts', HERE).href)
  // Load generators yield to the target and the probe when the two cores are contended.
  const workers = Array.from({ length: options.workers }, (_, i) => Child.start<LoadWorkerApi>(`load worker ${i}`, new URL('./load-worker.ts', HERE).href, { nice: 5 }))
  const rig: Rig = { target, probe, workers }
  try {
    await probe.call('start', { target: target.probe, mqttPort: target.mqttPort, pendants })
    await Promise.all(
      workers.map((w, i) =>
        w.call('init', { host: '127.0.0.1', port: target.mqttPort, devices: fleet.filter((_, d) => d % options.workers === i), connectPerSecond: options.connectPerSecond / options.workers, keepaliveS: 300 }),
      ),
    )
    return rig
  } catch (error) {
    await stopRig(rig)
    throw error
  }
}

async function stopRig(rig: Rig): Promise<void> {
  await Promise.all(rig.workers.map((w) => w.stop()))
  await rig.probe.stop()
  await rig.target.stop()
}

/** Connects the fleet up to `total` devices; returns how long it took, in seconds. */
async function connectFleet(rig: Rig, total: number, workers: number): Promise<number> {
  const startedAt = performance.now()
  const connected = await Promise.all(rig.workers.map((w) => w.call('connect', { count: Math.ceil(total / workers) }, 900_000)))
  const seconds = (performance.now() - startedAt) / 1000
  progress(`    ${connected.reduce((a, b) => a + b, 0).toLocaleString('en-GB')} devices connected (${seconds.toFixed(1)} s)`)
  return seconds
}

async function idleRss(rig: Rig, settleMs: number): Promise<number> {
  await sleep(settleMs)
  const samples: number[] = []
  for (let i = 0; i < 3; i++) {
    samples.push((await rig.target.stats()).rssBytes)
    await sleep(250)
  }
  return percentile(samples, 50) / MIB
}

function streamFor(options: PlatformLoadOptions, background: Background): MixedStream {
  const perWorker = typeof background === 'number' ? background / options.workers : 0
  return {
    mode: background === 'saturation' ? 'saturate' : 'paced',
    readingsPerSecond: perWorker,
    window: Math.ceil(options.saturationWindow / options.workers),
    packSize: options.packSize,
    qos1Share: options.qos1Share,
    statusEverySeconds: options.statusEverySeconds,
    alarmsPerSecond: 0,
    durationMs: options.warmupMs + options.windowMs,
  }
}

async function readingsSent(rig: Rig): Promise<number> {
  const tallies = await Promise.all(rig.workers.map((w) => w.call('tally', undefined)))
  return tallies.reduce((sum, t) => sum + (t?.readingsSent ?? 0), 0)
}

/** One background level: the fleet streams for warm-up plus window; the window is measured. */
async function measureBackground(rig: Rig, options: PlatformLoadOptions, background: Background): Promise<BackgroundFigures> {
  const sentBefore = await readingsSent(rig)
  const running = Promise.all(rig.workers.map((w) => w.call('run', streamFor(options, background), options.warmupMs + options.windowMs + 60_000)))
  await sleep(options.warmupMs)
  // This sample also restarts the platform's event-loop histogram, so `after` describes the window alone.
  const before = { stored: await rig.target.storedCount(), stats: await rig.target.stats(), at: performance.now() }
  const probing = rig.probe.call('measure', { perSecond: options.pressesPerSecond, durationMs: options.windowMs, readsPerSecond: options.readsPerSecond }, options.windowMs + 30_000)
  await sleep(options.windowMs)
  const after = { stored: await rig.target.storedCount(), stats: await rig.target.stats(), at: performance.now() }
  const [alarm, tallies] = await Promise.all([probing, running])
  const sentTotal = tallies.reduce((sum, t) => sum + t.readingsSent, 0)
  // Each background starts from an empty platform: what this one queued is stored (or given up on) first.
  const backlogAfter = sentTotal - (await drain(rig, sentTotal, options.drainMs))
  return { ...summarise(background, before, after, alarm), sentPerSecond: (sentTotal - sentBefore) / ((options.warmupMs + options.windowMs) / 1000), backlogAfter }
}

function summarise(
  background: Background,
  before: { stored: number; stats: TargetStats; at: number },
  after: { stored: number; stats: TargetStats; at: number },
  alarm: ProbeResult,
): Omit<BackgroundFigures, 'sentPerSecond' | 'backlogAfter'> {
  const seconds = (after.at - before.at) / 1000
  const stored = after.stored - before.stored
  const cpuMs = (after.stats.cpuMicros - before.stats.cpuMicros) / 1000
  return {
    background,
    storedPerSecond: stored / seconds,
    cpuMsPer1k: stored > 0 ? (cpuMs / stored) * 1000 : Number.NaN,
    cpuCores: cpuMs / 1000 / seconds,
    alarm: {
      p50Ms: percentile(alarm.latenciesMs, 50),
      p99Ms: percentile(alarm.latenciesMs, 99),
      maxMs: alarm.latenciesMs.length > 0 ? Math.max(...alarm.latenciesMs) : Number.NaN,
      samples: alarm.latenciesMs.length,
      missed: alarm.missed,
      toPlatformP99Ms: percentile(alarm.toPlatformMs, 99),
    },
    reads: { perSecond: alarm.readsMs.length / seconds, p99Ms: percentile(alarm.readsMs, 99), failed: alarm.readsFailed },
    loopDelayP99Ms: after.stats.loopDelayP99Ms,
    ...(after.stats.readerDelayP99Ms === undefined ? {} : { readerDelayP99Ms: after.stats.readerDelayP99Ms }),
  }
}

/**
 * Waits until the store holds every reading sent, or its count stops rising for 10 s, or
 * `timeoutMs` passes; returns what it holds. A platform that has died holds what it held.
 */
async function drain(rig: Rig, sent: number, timeoutMs: number): Promise<number> {
  const deadline = performance.now() + timeoutMs
  let stored = 0
  let lastRise = performance.now()
  while (rig.target.alive) {
    const now = await rig.target.storedCount().catch(() => stored)
    if (now > stored) lastRise = performance.now()
    stored = Math.max(stored, now)
    if (stored >= sent || performance.now() > deadline || performance.now() - lastRise > 10_000) break
    await sleep(250)
  }
  return stored
}

function describe(b: BackgroundFigures): string {
  const level = b.background === 'saturation' ? 'saturation' : `${b.background.toLocaleString('en-GB')}/s`
  const backlog = b.backlogAfter > 0 ? `, ${b.backlogAfter.toLocaleString('en-GB')} still unstored after the drain` : ''
  return `    background ${level}: sent ${Math.round(b.sentPerSecond).toLocaleString('en-GB')}/s, stored ${Math.round(b.storedPerSecond).toLocaleString('en-GB')}/s, alarm p50 ${b.alarm.p50Ms.toFixed(1)} p99 ${b.alarm.p99Ms.toFixed(1)} max ${b.alarm.maxMs.toFixed(1)} ms, p99 before the platform received it ${b.alarm.toPlatformP99Ms.toFixed(0)} ms (${b.alarm.samples} presses, ${b.alarm.missed} missed), CPU ${b.cpuCores.toFixed(2)} cores, loop p99 ${b.loopDelayP99Ms.toFixed(1)} ms${b.readerDelayP99Ms === undefined ? '' : `, broker thread p99 ${b.readerDelayP99Ms.toFixed(1)} ms`}${backlog}`
}

/** One run of one target: fresh, with the fleet provisioned, idle memory at two fleet sizes, then each background level. */
export async function runPlatformLoad(options: PlatformLoadOptions, name: TargetName): Promise<PlatformRunFigures> {
  const dataDir = tempDir('hearth-load-')
  const made = provisionFleet(dataDir, [
    { prefix: 'load-wrist', type: 'wearable', count: options.devices },
    { prefix: 'probe-pendant', type: 'pendant', count: options.pendants },
  ])
  const fleet = made.get('load-wrist') ?? []
  const rig = await startRig(options, name, dataDir, fleet, made.get('probe-pendant') ?? [])
  try {
    const base = await idleRss(rig, options.settleMs)
    await connectFleet(rig, options.firstDevices, options.workers)
    const first = await idleRss(rig, options.settleMs)
    const connectSeconds = await connectFleet(rig, options.devices, options.workers)
    const all = await idleRss(rig, options.settleMs)
    progress(`    idle RSS: ${base.toFixed(0)} MiB with no devices, ${first.toFixed(0)} MiB with ${options.firstDevices}, ${all.toFixed(0)} MiB with ${options.devices}`)
    const backgrounds: BackgroundFigures[] = []
    for (const background of options.backgrounds) {
      if (!rig.target.alive) break
      backgrounds.push(await measureBackground(rig, options, background))
      progress(describe(backgrounds[backgrounds.length - 1]!))
    }
    const tallies = (await Promise.all(rig.workers.map((w) => w.call('tally', undefined)))).filter((t): t is LoadTally => t !== undefined)
    const sent = tallies.reduce((sum, t) => sum + t.readingsSent, 0)
    const stored = await drain(rig, sent, options.drainMs)
    const crashed = rig.target.alive ? undefined : `${name === 'hearth' ? 'the platform process' : 'a process of the reference pipeline'} exited during the run`
    if (crashed) progress(`    ${crashed}`)
    return {
      target: name,
      ...(crashed ? { crashed } : {}),
      connectsPerSecond: (options.devices - options.firstDevices) / connectSeconds,
      rssMiB: { base, first, all },
      perConnectionKiB: ((all - first) * 1024) / (options.devices - options.firstDevices),
      backgrounds,
      readingsSent: sent,
      readingsStored: stored,
      lost: sent - stored,
      refusals: tallies.reduce((sum, t) => sum + t.refusals, 0),
      disconnects: tallies.reduce((sum, t) => sum + t.disconnects, 0),
    }
  } finally {
    await stopRig(rig)
    removeDir(dataDir)
  }
}
