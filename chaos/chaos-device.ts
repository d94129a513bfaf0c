import { OFFLINE_WILL_PAYLOAD, deviceTopic } from '../contract/index.js'
import { LeanMqttConnection } from '../simulators/lean-mqtt-connection.js'

/** One QoS 1 publish a device holds until the platform acknowledges it (PUBACK). */
interface Outgoing {
  topic: Buffer
  payload: Buffer
  retain: boolean
  /** The packet id it was first sent with, kept for every resend. */
  messageId?: number
  onAck: () => void
  /** Told each time it is sent again after a reconnect. */
  onResend?: () => void
}

export interface DeviceEvents {
  /** A CONNACK with return code 0: the platform accepted the device. */
  connected(device: ChaosDevice, sessionPresent: boolean): void
  disconnected(device: ChaosDevice): void
  /** A PUBACK: a publish of the device's was accepted. */
  accepted(device: ChaosDevice): void
  /** A message on the device's commands topic. */
  command(device: ChaosDevice, payload: Buffer): void
  /** A message on the device's errors topic: something it sent was refused. */
  refused(device: ChaosDevice, payload: Buffer): void
}

const RECONNECT_MIN_MS = 100
const RECONNECT_MAX_MS = 1000
const CONNECT_TIMEOUT_MS = 10_000

/**
 * A simulated device that keeps what it sends until the platform acknowledges it, as a telecare
 * device must: every publish at QoS 1 on a persistent session (clean session false, PROTOCOL §1),
 * at most `window` unacknowledged at once, the rest queued in order. When the connection drops it
 * reconnects by itself, subscribes again (a platform that restarted kept no session), then sends
 * every publish still unacknowledged again, in order, with its first packet id and DUP set
 * (MQTT 3.1.1 §4.4), before anything new. Nothing is ever dropped: a publish leaves the device
 * only when its PUBACK arrives.
 */
export class ChaosDevice {
  connection: LeanMqttConnection | undefined
  /** CONNACKs received, and resends made after a reconnect. */
  connects = 0
  resends = 0
  private readonly topics: { status: Buffer; commands: string; errors: string }
  private readonly queue: Outgoing[] = []
  /** Sent and not yet acknowledged, in the order first sent. */
  private readonly inFlight = new Map<number, Outgoing>()
  private nextId = 1
  private ready = false
  private connecting = false
  private stopped = false
  private retryMs = RECONNECT_MIN_MS
  /** The back-off starts again only once a connection has had a publish accepted, not at each CONNACK (a platform that accepts and then drops). */
  private acceptedOnThisConnection = false

  constructor(
    readonly id: string,
    private readonly secret: string,
    private readonly server: { host: string; port: number },
    private readonly window: number,
    private readonly events: DeviceEvents,
  ) {
    this.topics = { status: Buffer.from(deviceTopic(id, 'status')), commands: deviceTopic(id, 'commands'), errors: deviceTopic(id, 'errors') }
  }

  /** Publishes not yet acknowledged: queued and in flight. */
  get pending(): number {
    return this.queue.length + this.inFlight.size
  }

  get queued(): number {
    return this.queue.length
  }

  get online(): boolean {
    return this.ready && this.connection !== undefined && !this.connection.closed
  }

  /** Connects (retrying until it is accepted or closed); resolves on the first CONNACK. */
  start(): Promise<void> {
    return new Promise((resolve) => {
      const check = (): void => {
        if (this.connects > 0 || this.stopped) resolve()
        else setTimeout(check, 20)
      }
      this.connect()
      check()
    })
  }

  /** Queues a QoS 1 publish; `onAck` runs once, on its PUBACK; `onResend` each time it goes again after a reconnect. */
  publish(topic: Buffer, payload: Buffer, onAck: () => void, options: { retain?: boolean; onResend?: () => void } = {}): void {
    this.queue.push({ topic, payload, retain: options.retain ?? false, onAck, ...(options.onResend ? { onResend: options.onResend } : {}) })
    this.pump()
  }

  /** Stops reconnecting and disconnects cleanly (no will). */
  async close(): Promise<void> {
    this.stopped = true
    const connection = this.connection
    this.connection = undefined
    if (connection) await connection.end()
  }

  /** A keepalive ping when the connection has been quiet for `idleMs`. */
  keepAlive(idleMs: number): void {
    const connection = this.connection
    if (connection && !connection.closed && performance.now() - connection.lastSentMs > idleMs) connection.ping()
  }

  private connect(): void {
    if (this.connecting || this.stopped) return
    this.connecting = true
    LeanMqttConnection.open({
      host: this.server.host,
      port: this.server.port,
      clientId: this.id,
      username: this.id,
      password: this.secret,
      clean: false,
      keepaliveS: 30,
      will: { topic: deviceTopic(this.id, 'status'), payload: Buffer.from(OFFLINE_WILL_PAYLOAD), qos: 1, retain: true },
      timeoutMs: CONNECT_TIMEOUT_MS,
    }).then(
      ({ connection, sessionPresent }) => {
        this.connecting = false
        if (this.stopped) {
          connection.destroy()
          return
        }
        this.connection = connection
        this.connects++
        this.acceptedOnThisConnection = false
        connection.on({
          message: (topic, payload) => {
            if (topic === this.topics.commands) this.events.command(this, payload)
            else if (topic === this.topics.errors) this.events.refused(this, payload)
          },
          close: () => this.lost(connection),
        })
        this.events.connected(this, sessionPresent)
        void this.resume(connection)
      },
      () => {
        this.connecting = false
        this.retry()
      },
    )
  }

  /** After a CONNACK: subscribe, send again what was not acknowledged, then what is queued. */
  private async resume(connection: LeanMqttConnection): Promise<void> {
    await connection.subscribe([
      { topic: this.topics.commands, qos: 1 },
      { topic: this.topics.errors, qos: 1 },
    ])
    if (connection !== this.connection || connection.closed) return
    for (const [messageId, message] of this.inFlight) {
      this.resends++
      message.onResend?.()
      connection.publishWithId(messageId, message.topic, message.payload, { dup: true, retain: message.retain }, () => this.acked(messageId))
    }
    this.ready = true
    // PROTOCOL §1: a retained status on each connection, which also counts as a check-in.
    this.queue.unshift({ topic: this.topics.status, payload: Buffer.from(`{"online":true,"battery":0.8,"firmware":"chaos-1.0"}`), retain: true, onAck: () => undefined })
    this.pump()
  }

  private lost(connection: LeanMqttConnection): void {
    if (connection !== this.connection) return
    this.connection = undefined
    this.ready = false
    this.events.disconnected(this)
    this.retry()
  }

  private retry(): void {
    if (this.stopped) return
    const delay = this.retryMs * (0.5 + Math.random())
    this.retryMs = Math.min(this.retryMs * 2, RECONNECT_MAX_MS)
    setTimeout(() => this.connect(), delay)
  }

  private pump(): void {
    const connection = this.connection
    if (!this.ready || !connection || connection.closed) return
    while (this.inFlight.size < this.window && this.queue.length > 0) {
      const message = this.queue.shift() as Outgoing
      const messageId = this.takeId()
      message.messageId = messageId
      this.inFlight.set(messageId, message)
      connection.publishWithId(messageId, message.topic, message.payload, { dup: false, retain: message.retain }, () => this.acked(messageId))
    }
  }

  private acked(messageId: number): void {
    const message = this.inFlight.get(messageId)
    if (!message) return
    this.inFlight.delete(messageId)
    if (!this.acceptedOnThisConnection) {
      this.acceptedOnThisConnection = true
      this.retryMs = RECONNECT_MIN_MS
    }
    message.onAck()
    this.events.accepted(this)
    this.pump()
  }

  private takeId(): number {
    for (;;) {
      const id = this.nextId
      this.nextId = id === 0xffff ? 1 : id + 1
      if (!this.inFlight.has(id)) return id
    }
  }
}
