import { OFFLINE_WILL_PAYLOAD, deviceTopic } from '../contract/index.js'
import { LeanMqttConnection } from './lean-mqtt-connection.js'
import { PackSender, packTails, type FleetDevice } from './pack-sender.js'

export interface LoadCredentials {
  id: string
  secret: string
}

export interface LoadDevicesConfig {
  host: string
  port: number
  devices: readonly LoadCredentials[]
  /** New connections started per second, so a fleet connects the way a real one comes back. */
  connectPerSecond: number
  keepaliveS: number
}

/** What the fleet sends for `durationMs`, then stops by itself. */
export interface MixedStream {
  /** `paced`: readings at `readingsPerSecond`. `saturate`: `window` QoS 1 packs kept in flight, the next sent on each PUBACK. */
  mode: 'paced' | 'saturate'
  readingsPerSecond: number
  window: number
  /** SenML records per pack. */
  packSize: number
  /** Share of packs sent at QoS 1 (paced mode; saturation is all QoS 1). */
  qos1Share: number
  /** Each device's status check-in interval; 0 sends none. */
  statusEverySeconds: number
  /** `alarm.pressed` events per second across the fleet. */
  alarmsPerSecond: number
  durationMs: number
}

export interface LoadTally {
  packsSent: number
  readingsSent: number
  qos1Sent: number
  qos1Acked: number
  statusSent: number
  alarmsSent: number
  /** Paced sends skipped because the chosen device already had `MAX_IN_FLIGHT` unacknowledged. */
  heldBack: number
  /** Messages on the devices' errors topics: a refused reading or status (must stay 0). */
  refusals: number
  commands: number
  disconnects: number
}

const TICK_MS = 5
/** After a stall the pacer catches up at most this much, so a starved generator does not burst. */
const MAX_CATCH_UP_MS = 100

/**
 * A fleet of simulated devices for load tests: each with its own credentials and a persistent
 * session, a retained status and an offline will, as PROTOCOL §1 asks; it sends a mixed stream
 * (SenML readings at QoS 0 and 1, status check-ins, alarm presses) at a set rate, for a set time.
 */
export class LoadDevices {
  private readonly fleet: FleetDevice[]
  private readonly tally: LoadTally = { packsSent: 0, readingsSent: 0, qos1Sent: 0, qos1Acked: 0, statusSent: 0, alarmsSent: 0, heldBack: 0, refusals: 0, commands: 0, disconnects: 0 }
  private pinger: NodeJS.Timeout | undefined
  private eventCounter = 0

  constructor(private readonly config: LoadDevicesConfig) {
    this.fleet = config.devices.map((d) => ({
      id: d.id,
      bn: `[{"bn":"urn:dev:hearth:${d.id}:","bt":`,
      readings: Buffer.from(deviceTopic(d.id, 'readings')),
      status: Buffer.from(deviceTopic(d.id, 'status')),
      events: Buffer.from(deviceTopic(d.id, 'events')),
    }))
  }

  get connected(): number {
    return this.fleet.filter((d) => d.connection && !d.connection.closed).length
  }

  snapshot(): LoadTally {
    return { ...this.tally }
  }

  /** Connects every device, `connectPerSecond` at a time; resolves when all have their CONNACK. */
  async connectAll(credentials: readonly LoadCredentials[] = this.config.devices, timeoutMs = 900_000): Promise<void> {
    const secrets = new Map(credentials.map((c) => [c.id, c.secret]))
    const todo = this.fleet.filter((d) => secrets.has(d.id) && !d.connection)
    const perTick = Math.max(1, Math.round((this.config.connectPerSecond * 10) / 1000))
    const deadline = performance.now() + timeoutMs
    for (let at = 0; at < todo.length; at += perTick) {
      if (performance.now() > deadline) throw new Error(`connecting ${todo.length} devices took over ${timeoutMs} ms`)
      await Promise.all(todo.slice(at, at + perTick).map((d) => this.connectOne(d, secrets.get(d.id) ?? '')))
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    this.pinger ??= setInterval(() => this.keepAlive(), 5000)
  }

  private async connectOne(device: FleetDevice, secret: string): Promise<void> {
    const { connection } = await LeanMqttConnection.open({
      host: this.config.host,
      port: this.config.port,
      clientId: device.id,
      username: device.id,
      password: secret,
      clean: false,
      keepaliveS: this.config.keepaliveS,
      will: { topic: deviceTopic(device.id, 'status'), payload: Buffer.from(OFFLINE_WILL_PAYLOAD), qos: 1, retain: true },
      timeoutMs: 30_000,
    })
    device.connection = connection
    connection.on({
      message: (topic) => {
        if (topic.endsWith('/errors')) this.tally.refusals++
        else this.tally.commands++
      },
      close: () => this.tally.disconnects++,
    })
    await connection.subscribe([
      { topic: deviceTopic(device.id, 'commands'), qos: 1 },
      { topic: deviceTopic(device.id, 'errors'), qos: 1 },
    ])
    connection.publish(device.status, Buffer.from(JSON.stringify({ online: true, battery: 0.9, firmware: 'load-1.0' })), 1, undefined, true)
  }

  private keepAlive(): void {
    const idleMs = (this.config.keepaliveS * 1000) / 2
    const now = performance.now()
    for (const d of this.fleet) if (d.connection && !d.connection.closed && now - d.connection.lastSentMs > idleMs) d.connection.ping()
  }

  /** Sends `stream` for its duration, then waits (at most 10 s) for outstanding PUBACKs. */
  async run(stream: MixedStream): Promise<LoadTally> {
    const live = this.fleet.filter((d) => d.connection && !d.connection.closed)
    if (live.length === 0) return this.snapshot()
    const tails = packTails(stream.packSize, 16)
    const sender = new PackSender(live, tails, stream, this.tally)
    const started = performance.now()
    const stopAt = started + stream.durationMs
    let alarms = 0
    let statuses = 0
    let statusCursor = 0
    await new Promise<void>((resolve) => {
      if (stream.mode === 'saturate') sender.saturate(() => performance.now() < stopAt)
      const timer = setInterval(() => {
        const now = performance.now()
        if (now >= stopAt) {
          clearInterval(timer)
          return resolve()
        }
        const elapsedS = (now - started) / 1000
        if (stream.mode === 'paced') sender.pace(elapsedS, MAX_CATCH_UP_MS / 1000)
        const statusDue = stream.statusEverySeconds > 0 ? Math.floor((live.length * elapsedS) / stream.statusEverySeconds) : 0
        for (; statuses < statusDue; statuses++) this.sendStatus(live[statusCursor++ % live.length])
        for (; alarms < Math.floor(stream.alarmsPerSecond * elapsedS); alarms++) this.sendAlarm(live[alarms % live.length])
      }, TICK_MS)
    })
    const settleBy = performance.now() + 10_000
    while (this.tally.qos1Acked < this.tally.qos1Sent && performance.now() < settleBy && live.some((d) => !d.connection?.closed)) {
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    return this.snapshot()
  }

  private sendStatus(device: FleetDevice | undefined): void {
    if (!device?.connection) return
    device.connection.publish(device.status, Buffer.from(`{"online":true,"battery":0.8,"signal":-60,"ts":${Date.now() / 1000}}`), 1, undefined, true)
    this.tally.statusSent++
  }

  private sendAlarm(device: FleetDevice | undefined): void {
    if (!device?.connection) return
    const id = `e-load-${process.pid}-${++this.eventCounter}`
    device.connection.publish(device.events, Buffer.from(JSON.stringify({ id, type: 'alarm.pressed', ts: Date.now() / 1000, data: {} })), 1)
    this.tally.alarmsSent++
  }

  /** Disconnects every device cleanly (no will). */
  async close(): Promise<void> {
    if (this.pinger) clearInterval(this.pinger)
    await Promise.all(this.fleet.flatMap((d) => (d.connection ? [d.connection.end()] : [])))
  }
}
