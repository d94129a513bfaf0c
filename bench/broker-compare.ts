import { randomBytes } from 'node:crypto'
import type { BrokerChildApi, BrokerKind } from './broker-child.js'
import type { BrokerPublishersApi } from './broker-publishers.js'
import type { BrokerSubscriberApi } from './broker-subscriber.js'
import { Child } from './child-rpc.js'
import { MIB, sleep } from './figures.js'
import { startMosquitto, type Mosquitto } from './mosquitto-broker.js'
import type { Credentials } from './provision-fleet.js'

export type BrokerTarget = BrokerKind | 'mosquitto'

export interface BrokerLoadOptions {
  publishers: number
  /** Messages kept in flight across all publishers at saturation; each is tried, and the best is the broker's saturation figure. */
  windows: readonly number[]
  /** The paced rate at which latency is measured. */
  latencyRate: number
  warmupMs: number
  windowMs: number
  settleMs: number
  /** Writes a V8 CPU profile of each Node broker process into this folder. */
  profileDir?: string
}

interface SaturationFigures {
  window: number
  /** Messages delivered to the subscriber per second. */
  perSecond: number
  /** Broker CPU, in cores. */
  cores: number
}

export interface BrokerRunFigures {
  target: BrokerTarget
  /** The best delivered rate over the windows tried. */
  saturationPerSecond: number
  saturation: SaturationFigures[]
  latency: { ratePerSecond: number; p50Ms: number; p99Ms: number; maxMs: number }
  idleRssMiB: { base: number; connected: number }
  perConnectionKiB: number
  sent: number
  received: number
  lost: number
}

interface BrokerUnderTest {
  port: number
  stats(): Promise<{ rssBytes: number; cpuMicros: number }>
  stop(): Promise<void>
}

const HERE = import.meta.url
const SUBSCRIBER = 'bench-subscriber'

async function startTarget(target: BrokerTarget, devices: Credentials[], subscriber: { username: string; password: string }, profileDir?: string): Promise<BrokerUnderTest> {
  if (target === 'mosquitto') {
    const mosquitto: Mosquitto = await startMosquitto(devices, subscriber)
    return { port: mosquitto.port, stats: () => Promise.resolve(mosquitto.stats()), stop: () => mosquitto.stop() }
  }
  const child = Child.start<BrokerChildApi>(`${target} broker`, new URL('./broker-child.ts', HERE).href, profileDir ? { execArgv: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] } : {})
  try {
    const { port } = await child.call('start', { kind: target, devices, subscriber })
    return { port, stats: () => child.call('stats', undefined), stop: () => child.stop() }
  } catch (error) {
    await child.stop()
    throw error
  }
}

async function rssMiB(broker: BrokerUnderTest, settleMs: number): Promise<number> {
  await sleep(settleMs)
  return (await broker.stats()).rssBytes / MIB
}

/** One broker, one run: idle memory with the publishers connected, latency at a paced rate, then saturation. */
export async function runBrokerLoad(target: BrokerTarget, options: BrokerLoadOptions): Promise<BrokerRunFigures> {
  const devices = Array.from({ length: options.publishers }, (_, i) => ({ id: `pub-${String(i).padStart(5, '0')}`, secret: randomBytes(32).toString('base64url') }))
  const subscriber = { username: SUBSCRIBER, password: randomBytes(24).toString('base64url') }
  const broker = await startTarget(target, devices, subscriber, options.profileDir)
  const sub = Child.start<BrokerSubscriberApi>('subscriber', new URL('./broker-subscriber.ts', HERE).href)
  const pubs = Child.start<BrokerPublishersApi>('publishers', new URL('./broker-publishers.ts', HERE).href)
  try {
    await sub.call('start', { port: broker.port, ...subscriber })
    const base = await rssMiB(broker, options.settleMs)
    await pubs.call('connect', { port: broker.port, devices, perTick: 100 }, 120_000)
    const connected = await rssMiB(broker, options.settleMs)

    const paced = pubs.call('paced', { perSecond: options.latencyRate, durationMs: options.warmupMs + options.windowMs }, options.warmupMs + options.windowMs + 30_000)
    await sleep(options.warmupMs)
    await sub.call('mark', undefined)
    await sleep(options.windowMs)
    const latency = await sub.call('mark', undefined)
    await paced

    const saturation: SaturationFigures[] = []
    for (const window of options.windows) saturation.push(await saturate(broker, pubs, sub, window, options))
    const sent = (await pubs.call('tally', undefined)).sent
    const received = await drained(sub, sent, 15_000)
    return {
      target,
      saturationPerSecond: Math.max(...saturation.map((s) => s.perSecond)),
      saturation,
      latency: { ratePerSecond: options.latencyRate, p50Ms: latency.p50Ms, p99Ms: latency.p99Ms, maxMs: latency.maxMs },
      idleRssMiB: { base, connected },
      perConnectionKiB: ((connected - base) * 1024) / options.publishers,
      sent,
      received,
      lost: sent - received,
    }
  } finally {
    await pubs.stop()
    await sub.stop()
    await broker.stop()
  }
}

/** Publishers keep `window` messages in flight; the subscriber counts what arrives in the measured window. */
async function saturate(broker: BrokerUnderTest, pubs: Child<BrokerPublishersApi>, sub: Child<BrokerSubscriberApi>, window: number, options: BrokerLoadOptions): Promise<SaturationFigures> {
  const running = pubs.call('saturate', { window, durationMs: options.warmupMs + options.windowMs }, options.warmupMs + options.windowMs + 30_000)
  await sleep(options.warmupMs)
  await sub.call('mark', undefined)
  const cpuBefore = (await broker.stats()).cpuMicros
  const startedAt = performance.now()
  await sleep(options.windowMs)
  const { received } = await sub.call('mark', undefined)
  const seconds = (performance.now() - startedAt) / 1000
  const cpuMicros = (await broker.stats()).cpuMicros - cpuBefore
  await running
  // What the window left queued drains before the next window starts.
  await drained(sub, (await pubs.call('tally', undefined)).sent, 15_000)
  return { window, perSecond: received / seconds, cores: cpuMicros / 1e6 / seconds }
}

/** Waits until the subscriber has everything sent (or `timeoutMs` passes); returns what it has. */
async function drained(sub: Child<BrokerSubscriberApi>, sent: number, timeoutMs: number): Promise<number> {
  const deadline = performance.now() + timeoutMs
  let total = (await sub.call('mark', undefined)).total
  while (total < sent && performance.now() < deadline) {
    await sleep(100)
    total = (await sub.call('mark', undefined)).total
  }
  return total
}

export function describeBrokerRun(r: BrokerRunFigures): string {
  const windows = r.saturation.map((s) => `${Math.round(s.perSecond).toLocaleString('en-GB')} with ${s.window} in flight (${s.cores.toFixed(2)} cores)`).join(', ')
  return `    ${r.target}: delivered msg/s ${windows}; p99 ${r.latency.p99Ms.toFixed(2)} ms at ${r.latency.ratePerSecond.toLocaleString('en-GB')}/s, ${r.perConnectionKiB.toFixed(1)} KiB per idle connection, lost ${r.lost} of ${r.sent.toLocaleString('en-GB')}`
}
