import { deviceTopic } from '../contract/index.js'
import { ChaosDevice } from './chaos-device.js'

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

/** What a wearable sent: reading `seq` (1, 2, …) is dated `atMs[seq - 1]`, with `seq` as its value. */
export interface WearableLog {
  atMs: number[]
  acked: Uint8Array
  ackedCount: number
  /** Readings whose pack was sent again (DUP) after a reconnect. */
  resent: Set<number>
}

export interface PressLog {
  eventId: string
  atMs: number
  acked: boolean
}

/** What one device heard on its commands topic: each command id and how often it came. */
export interface CommandLog {
  /** `${alertId} ${type}` → the command ids heard for it. */
  byAction: Map<string, Set<string>>
  /** command id → how many times it arrived. */
  receipts: Map<string, number>
}

/** A call for help from the moment of the first press to the moment the pendant heard it was answered. */
export interface CallLog {
  deviceId: string
  pressedAtMs: number
  answeredAtMs?: number
}

export interface ConnectionEvent {
  deviceId: string
  atMs: number
  kind: 'connected' | 'disconnected'
}

const KEEPALIVE_IDLE_MS = 10_000
const TICK_MS = 20

/**
 * The simulated homes of one scenario: wearables sending readings at a steady rate, pendants
 * whose wearers press and wait for their call to be answered, and optionally one pendant gone
 * wrong that presses as fast as it can send. Every reading and press has its own identity, and
 * every acknowledgement and command is recorded, so what was stored can be checked exactly.
 */
export class Fleet {
  readonly wearables = new Map<string, WearableLog>()
  readonly presses = new Map<string, PressLog[]>()
  readonly commands = new Map<string, CommandLog>()
  readonly calls: CallLog[] = []
  readonly connections: ConnectionEvent[] = []
  /** PUBACK times from `watchAcks` on (a fault's start): when publishes were accepted again. */
  private ackTimes: number[] | undefined
  /**
   * What devices were told on their errors topic: readings records refused, events refused (each
   * `rate_limited` entry stands for the number of events it names), and other answers (notices).
   */
  readonly refused = new Map<string, { readings: number; events: number; other: number }>()
  refusalSamples: string[] = []
  /** Flood presses the flooding pendant could not hand to its connection (its buffer was full). */
  floodHeldBack = 0
  private readonly devices = new Map<string, ChaosDevice>()
  private readonly openCalls = new Map<string, CallLog & { lastPressMs: number }>()
  private readonly nextPressAt = new Map<string, number>()
  private ticker: NodeJS.Timeout | undefined
  private pinger: NodeJS.Timeout | undefined
  private sending = false
  private startedMs = 0
  private packsSent = new Map<string, number>()
  private flooding: { perSecond: number; startedMs: number; sent: number } | undefined
  private pressCounter = 0

  constructor(private readonly config: FleetConfig) {
    const server = { host: config.host, port: config.port }
    const events = {
      connected: (device: ChaosDevice) => this.connections.push({ deviceId: device.id, atMs: Date.now(), kind: 'connected' }),
      disconnected: (device: ChaosDevice) => this.connections.push({ deviceId: device.id, atMs: Date.now(), kind: 'disconnected' }),
      command: (device: ChaosDevice, payload: Buffer) => this.heard(device.id, payload),
      accepted: () => this.ackTimes?.push(Date.now()),
      refused: (device: ChaosDevice, payload: Buffer) => this.told(device.id, payload),
    }
    for (const w of config.wearables) {
      this.devices.set(w.id, new ChaosDevice(w.id, w.secret, server, config.window, events))
      this.wearables.set(w.id, { atMs: [], acked: new Uint8Array(1024), ackedCount: 0, resent: new Set() })
    }
    for (const p of [...config.pendants, ...(config.flooder ? [config.flooder] : [])]) {
      const window = p === config.flooder ? config.floodWindow : config.window
      this.devices.set(p.id, new ChaosDevice(p.id, p.secret, server, window, events))
      this.presses.set(p.id, [])
    }
    for (const id of this.devices.keys()) this.commands.set(id, { byAction: new Map(), receipts: new Map() })
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
    this.startedMs = performance.now()
    const now = Date.now()
    for (const id of this.config.pendants.map((p) => p.id)) this.nextPressAt.set(id, now + Math.random() * this.config.pressEveryMs)
    this.ticker = setInterval(() => this.tick(), TICK_MS)
  }

  /** No new readings or presses; what is unacknowledged is still sent until acknowledged. */
  stopSending(): void {
    this.sending = false
    this.flooding = undefined
    if (this.ticker) clearInterval(this.ticker)
    this.ticker = undefined
  }

  startFlood(perSecond: number): void {
    this.flooding = { perSecond, startedMs: performance.now(), sent: 0 }
  }

  /** Stops the flood; returns how many presses the flooding pendant made. */
  stopFlood(): number {
    const sent = this.flooding?.sent ?? 0
    this.flooding = undefined
    return sent
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
    return this.openCalls.size
  }

  async close(): Promise<void> {
    this.stopSending()
    if (this.pinger) clearInterval(this.pinger)
    await Promise.all([...this.devices.values()].map((d) => d.close()))
  }

  private tick(): void {
    if (!this.sending) return
    const elapsedS = (performance.now() - this.startedMs) / 1000
    const wearables = this.config.wearables
    const packsPerDevice = this.config.readingsPerSecond / this.config.packSize / Math.max(1, wearables.length)
    wearables.forEach((w, i) => {
      // Each device's packs at its own phase, so they do not all leave on the same tick.
      const due = Math.floor(packsPerDevice * elapsedS + i / wearables.length)
      let sent = this.packsSent.get(w.id) ?? 0
      for (; sent < due; sent++) this.sendPack(w.id)
      this.packsSent.set(w.id, sent)
    })
    const now = Date.now()
    for (const p of this.config.pendants) this.pendantTurn(p.id, now)
    if (this.flooding && this.config.flooder) this.floodTurn(this.config.flooder.id)
  }

  private sendPack(deviceId: string): void {
    const device = this.devices.get(deviceId)
    const log = this.wearables.get(deviceId)
    if (!device || !log) return
    const records: string[] = []
    const first = log.atMs.length
    let baseMs = 0
    for (let k = 0; k < this.config.packSize; k++) {
      // Every reading of a device has its own time, a millisecond after the one before at least.
      const atMs = Math.max(Date.now(), (log.atMs.at(-1) ?? 0) + 1)
      log.atMs.push(atMs)
      const seq = log.atMs.length
      if (k === 0) {
        baseMs = atMs
        records.push(`{"bn":"urn:dev:hearth:${deviceId}:","bt":${atMs / 1000},"n":"steps","u":"count","v":${seq}}`)
      } else {
        records.push(`{"n":"steps","u":"count","v":${seq},"t":${(atMs - baseMs) / 1000}}`)
      }
    }
    if (log.acked.length < log.atMs.length) {
      const grown = new Uint8Array(log.acked.length * 2 + this.config.packSize)
      grown.set(log.acked)
      log.acked = grown
    }
    const last = log.atMs.length
    device.publish(
      Buffer.from(deviceTopic(deviceId, 'readings')),
      Buffer.from(`[${records.join(',')}]`),
      () => {
        for (let i = first; i < last; i++) log.acked[i] = 1
        log.ackedCount += last - first
      },
      {
        onResend: () => {
          for (let i = first; i < last; i++) log.resent.add(i + 1)
        },
      },
    )
  }

  private press(deviceId: string): void {
    const device = this.devices.get(deviceId)
    const log = this.presses.get(deviceId)
    if (!device || !log) return
    const entry: PressLog = { eventId: `e-${++this.pressCounter}`, atMs: Date.now(), acked: false }
    log.push(entry)
    const payload = JSON.stringify({ id: entry.eventId, type: 'alarm.pressed', ts: entry.atMs / 1000, data: {} })
    device.publish(Buffer.from(deviceTopic(deviceId, 'events')), Buffer.from(payload), () => (entry.acked = true))
  }

  /** A wearer presses when it is time, and again when a call stays unanswered. */
  private pendantTurn(deviceId: string, now: number): void {
    const open = this.openCalls.get(deviceId)
    if (open) {
      if (now - open.lastPressMs > this.config.pressAgainAfterMs) {
        open.lastPressMs = now
        this.press(deviceId)
      }
      return
    }
    if (now < (this.nextPressAt.get(deviceId) ?? Infinity)) return
    const call = { deviceId, pressedAtMs: now, lastPressMs: now }
    this.openCalls.set(deviceId, call)
    this.calls.push(call)
    this.press(deviceId)
  }

  /** The flooding pendant presses at its rate while its connection takes them; beyond, presses are held back. */
  private floodTurn(deviceId: string): void {
    const flood = this.flooding
    const device = this.devices.get(deviceId)
    if (!flood || !device) return
    const due = Math.floor(((performance.now() - flood.startedMs) / 1000) * flood.perSecond)
    for (; flood.sent < due; flood.sent++) {
      if (device.queued >= this.config.floodWindow) this.floodHeldBack++
      else this.press(deviceId)
    }
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

  /**
   * An answer on the device's errors topic (contract/device-errors.ts). For readings, each entry is
   * one record refused. For events over the device's limits, an entry stands for many: "879
   * alarm.pressed events … refused, not recorded (e-121 to e-999)"; folded repeats are recorded
   * (in aggregate) and are not counted here.
   */
  private told(deviceId: string, payload: Buffer): void {
    const counts = this.refused.get(deviceId) ?? { readings: 0, events: 0, other: 0 }
    this.refused.set(deviceId, counts)
    if (this.refusalSamples.length < 5) this.refusalSamples.push(`${deviceId}: ${payload.toString().slice(0, 300)}`)
    let message: { topic?: unknown; refused?: Array<{ code?: unknown; message?: unknown }> }
    try {
      message = JSON.parse(payload.toString()) as typeof message
    } catch {
      counts.other++
      return
    }
    for (const item of message.refused ?? []) {
      const text = typeof item.message === 'string' ? item.message : ''
      if (item.code === 'notice') counts.other++
      else if (message.topic === 'readings') counts.readings++
      else if (item.code === 'rate_limited') {
        if (/refused/.test(text)) counts.events += Number(/^([\d,]+) /.exec(text)?.[1]?.replace(/,/g, '') ?? 1)
      } else counts.events++
    }
  }

  private heard(deviceId: string, payload: Buffer): void {
    let command: { id?: unknown; type?: unknown; alertId?: unknown }
    try {
      command = JSON.parse(payload.toString()) as typeof command
    } catch {
      return
    }
    if (typeof command.id !== 'string' || typeof command.type !== 'string') return
    const log = this.commands.get(deviceId)
    if (!log) return
    log.receipts.set(command.id, (log.receipts.get(command.id) ?? 0) + 1)
    const key = `${String(command.alertId)} ${command.type}`
    const ids = log.byAction.get(key) ?? new Set<string>()
    ids.add(command.id)
    log.byAction.set(key, ids)
    if (command.type === 'alarm.acknowledged') {
      const call = this.openCalls.get(deviceId)
      if (call) {
        call.answeredAtMs = Date.now()
        this.openCalls.delete(deviceId)
        this.nextPressAt.set(deviceId, Date.now() + this.config.pressEveryMs * (0.5 + Math.random() / 2))
      }
    }
  }
}
