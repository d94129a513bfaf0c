import { ChaosDevice } from './chaos-device.js'
import { countRefusals, recordCommand, type CommandLog, type RefusalCounts } from './device-inbox.js'
import { Pendants, type CallLog, type PressLog } from './pendants.js'
import { Wearables, type WearableLog } from './wearables.js'

export interface Credentials {
  id: string
  secret: string
}

export interface FleetConfig {
  host: string
  port: number
  wearables: readonly Credentials[]
  pendants: readonly Credentials[]
  /** The pendant that floods, when the scenario has one. */
  flooder?: Credentials
  /** Readings a second across the wearables. */
  readingsPerSecond: number
  /** SenML records per pack (one publish). */
  packSize: number
  /** A pendant presses again this long (a random share of it, from half to all) after its call was answered. */
  pressEveryMs: number
  /** A call not answered in this long is pressed again (it folds into the open alert). */
  pressAgainAfterMs: number
  /** Unacknowledged publishes a device keeps in flight. */
  window: number
  floodWindow: number
}

export interface ConnectionEvent {
  deviceId: string
  atMs: number
  kind: 'connected' | 'disconnected'
}

const KEEPALIVE_IDLE_MS = 10_000
const TICK_MS = 20

/**
 * The simulated homes of one scenario: wearables sending readings at a steady rate
 * (wearables.ts), pendants whose wearers press and wait for their call to be answered, and
 * optionally one pendant gone wrong that presses as fast as it can send (pendants.ts). Every
 * reading and press has its own identity, and every acknowledgement, command and refusal is
 * recorded (device-inbox.ts), so what was stored can be checked exactly.
 */
export class Fleet {
  readonly commands = new Map<string, CommandLog>()
  readonly connections: ConnectionEvent[] = []
  /** PUBACK times from `watchAcks` on (a fault's start): when publishes were accepted again. */
  private ackTimes: number[] | undefined
  /** What devices were told on their errors topic. */
  readonly refused = new Map<string, RefusalCounts>()
  refusalSamples: string[] = []
  private readonly devices = new Map<string, ChaosDevice>()
  private readonly readings: Wearables
  private readonly pendants: Pendants
  private ticker: NodeJS.Timeout | undefined
  private pinger: NodeJS.Timeout | undefined
  private sending = false

  constructor(config: FleetConfig) {
    const server = { host: config.host, port: config.port }
    const events = {
      connected: (device: ChaosDevice) => this.connections.push({ deviceId: device.id, atMs: Date.now(), kind: 'connected' }),
      disconnected: (device: ChaosDevice) => this.connections.push({ deviceId: device.id, atMs: Date.now(), kind: 'disconnected' }),
      command: (device: ChaosDevice, payload: Buffer) => this.heard(device.id, payload),
      accepted: () => this.ackTimes?.push(Date.now()),
      refused: (device: ChaosDevice, payload: Buffer) => this.told(device.id, payload),
    }
    for (const w of config.wearables) this.devices.set(w.id, new ChaosDevice(w.id, w.secret, server, config.window, events))
    for (const p of [...config.pendants, ...(config.flooder ? [config.flooder] : [])]) {
      const window = p === config.flooder ? config.floodWindow : config.window
      this.devices.set(p.id, new ChaosDevice(p.id, p.secret, server, window, events))
    }
    for (const id of this.devices.keys()) this.commands.set(id, { byAction: new Map(), receipts: new Map() })
    this.readings = new Wearables(this.devices, config)
    this.pendants = new Pendants(this.devices, config)
  }

  /** What each wearable sent, and what of it was acknowledged. */
  get wearables(): Map<string, WearableLog> {
    return this.readings.logs
  }

  /** Each pendant's presses, the flooding pendant's included. */
  get presses(): Map<string, PressLog[]> {
    return this.pendants.presses
  }

  get calls(): readonly CallLog[] {
    return this.pendants.calls
  }

  /** Flood presses the flooding pendant could not hand to its connection (its buffer was full). */
  get floodHeldBack(): number {
    return this.pendants.floodHeldBack
  }

  get size(): number {
    return this.devices.size
  }

  /** Devices connected and subscribed now. */
  get online(): number {
    let n = 0
    for (const d of this.devices.values()) if (d.online) n++
    return n
  }

  /** Publishes not yet acknowledged, across the fleet. */
  get pending(): number {
    let n = 0
    for (const d of this.devices.values()) n += d.pending
    return n
  }

  get resends(): number {
    let n = 0
    for (const d of this.devices.values()) n += d.resends
    return n
  }

  /** Connects every device, a few at a time. */
  async connect(): Promise<void> {
    const all = [...this.devices.values()]
    for (let i = 0; i < all.length; i += 20) await Promise.all(all.slice(i, i + 20).map((d) => d.start()))
    this.pinger = setInterval(() => {
      for (const d of this.devices.values()) d.keepAlive(KEEPALIVE_IDLE_MS)
    }, 2000)
  }

  /** Starts the readings and the presses. */
  startSending(): void {
    this.sending = true
    this.readings.start()
    this.pendants.start(Date.now())
    this.ticker = setInterval(() => this.tick(), TICK_MS)
  }

  /** No new readings or presses; what is unacknowledged is still sent until acknowledged. */
  stopSending(): void {
    this.sending = false
    this.pendants.stopFlood()
    if (this.ticker) clearInterval(this.ticker)
    this.ticker = undefined
  }

  startFlood(perSecond: number): void {
    this.pendants.startFlood(perSecond)
  }

  /** Stops the flood; returns how many presses the flooding pendant made. */
  stopFlood(): number {
    return this.pendants.stopFlood()
  }

  /** Resolves when every device has every publish acknowledged, or the time is up (false). */
  async drained(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs
    while (this.pending > 0) {
      if (Date.now() > deadline) return false
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    return true
  }

  /** Pendants waiting for their call to be answered. */
  get callsOpen(): number {
    return this.pendants.callsOpen
  }

  async close(): Promise<void> {
    this.stopSending()
    if (this.pinger) clearInterval(this.pinger)
    await Promise.all([...this.devices.values()].map((d) => d.close()))
  }

  private tick(): void {
    if (!this.sending) return
    this.readings.turn()
    this.pendants.turn(Date.now())
  }

  /** Records when PUBACKs arrive from now on (a fault's start), to tell when publishes were accepted again. */
  watchAcks(): void {
    this.ackTimes = []
  }

  /** The first PUBACK at or after `fromMs` since `watchAcks`; stops recording. */
  firstAckAfter(fromMs: number): number | undefined {
    const first = this.ackTimes?.find((t) => t >= fromMs)
    this.ackTimes = undefined
    return first
  }

  /** Messages on the errors topics, in total. */
  get refusals(): number {
    let n = 0
    for (const r of this.refused.values()) n += r.readings + r.events + r.other
    return n
  }

  /** An answer on the device's errors topic, counted and kept as a sample (the first five). */
  private told(deviceId: string, payload: Buffer): void {
    const counts = this.refused.get(deviceId) ?? { readings: 0, events: 0, other: 0 }
    this.refused.set(deviceId, counts)
    if (this.refusalSamples.length < 5) this.refusalSamples.push(`${deviceId}: ${payload.toString().slice(0, 300)}`)
    countRefusals(counts, payload)
  }

  /** A command on the device's commands topic; an `alarm.acknowledged` answers the pendant's call. */
  private heard(deviceId: string, payload: Buffer): void {
    const log = this.commands.get(deviceId)
    if (!log) return
    if (recordCommand(log, payload) === 'alarm.acknowledged') this.pendants.answered(deviceId)
  }
}
