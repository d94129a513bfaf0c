import { connect as connectTcp, type Socket } from 'node:net'
import { generate, parser, type Packet } from 'mqtt-packet'

export type Qos = 0 | 1

export interface LeanConnectOptions {
  host: string
  port: number
  timeoutMs: number
  clientId: string
  username?: string
  password?: string
  clean: boolean
  keepaliveS: number
  will?: { topic: string; payload: Buffer; qos: Qos; retain: boolean }
}

export type MessageHandler = (topic: string, payload: Buffer, retain: boolean) => void

const PINGREQ = generate({ cmd: 'pingreq' })
const DISCONNECT = generate({ cmd: 'disconnect' })

/**
 * `topic` is taken as bytes so a caller that publishes to one topic often encodes it once
 * (mqtt-packet writes a Buffer topic as it is, though its types name only strings). `dup` marks a
 * QoS 1 publish sent again after a reconnect (MQTT 3.1.1 §3.3.1.1).
 */
function publishPacket(topic: Buffer, payload: Buffer, qos: Qos, messageId: number, retain: boolean, dup: boolean): Buffer {
  return generate({ cmd: 'publish', topic: topic as unknown as string, payload, qos, messageId, retain, dup })
}

/**
 * One MQTT 3.1.1 connection with no store, no reconnect and no timers of its own: QoS 0 and 1
 * publishes, subscriptions, PUBACK for what it receives. Packets are encoded and read by
 * mqtt-packet (the codec under MQTT.js and aedes) alone, without a client around it: thousands of
 * simulated devices must cost the machine less than the broker they measure (an MQTT.js client per
 * device spends more CPU and memory than the broker does on it). A load generator runs thousands
 * of them in one process and drives keepalive itself (`ping`).
 */
export class LeanMqttConnection {
  /** QoS 1 publishes sent and not yet acknowledged. */
  inFlight = 0
  lastSentMs = 0
  closed = false
  private nextId = 1
  private readonly acks = new Map<number, () => void>()
  private readonly subacks = new Map<number, (granted: number[]) => void>()
  private onMessage: MessageHandler | undefined
  private onClose: ((why: string) => void) | undefined

  private constructor(private readonly socket: Socket) {}

  static open(options: LeanConnectOptions): Promise<{ connection: LeanMqttConnection; sessionPresent: boolean }> {
    return new Promise((resolve, reject) => {
      const socket = connectTcp({ host: options.host, port: options.port, noDelay: true })
      const connection = new LeanMqttConnection(socket)
      const packets = parser({ protocolVersion: 4 })
      let settled = false
      const fail = (error: Error): void => {
        socket.destroy()
        if (!settled) {
          settled = true
          reject(error)
        }
      }
      const timer = setTimeout(() => fail(new Error(`${options.clientId}: no CONNACK in ${options.timeoutMs} ms`)), options.timeoutMs)
      socket.once('connect', () =>
        socket.write(
          generate({
            cmd: 'connect',
            protocolId: 'MQTT',
            protocolVersion: 4,
            clientId: options.clientId,
            clean: options.clean,
            keepalive: options.keepaliveS,
            ...(options.username === undefined ? {} : { username: options.username }),
            ...(options.password === undefined ? {} : { password: Buffer.from(options.password, 'utf8') }),
            ...(options.will ? { will: options.will } : {}),
          }),
        ),
      )
      socket.on('error', (error) => fail(error))
      socket.on('close', () => {
        clearTimeout(timer)
        connection.closed = true
        if (!settled) fail(new Error(`${options.clientId}: connection closed before CONNACK`))
        else connection.onClose?.('closed')
      })
      // A stream that is not MQTT cannot be read further: the connection closes.
      packets.on('error', (error: Error) => fail(new Error(`${options.clientId}: ${error.message}`)))
      packets.on('packet', (packet) => {
        if (packet.cmd === 'connack' && !settled) {
          clearTimeout(timer)
          const returnCode = packet.returnCode ?? 0
          if (returnCode !== 0) return fail(new Error(`${options.clientId}: CONNACK ${returnCode}`))
          settled = true
          resolve({ connection, sessionPresent: packet.sessionPresent })
          return
        }
        connection.receive(packet)
      })
      socket.on('data', (chunk: Buffer) => {
        // What one chunk provokes (PUBACKs, the next publishes) leaves in one write, not one syscall each.
        socket.cork()
        packets.parse(chunk)
        socket.uncork()
      })
    })
  }

  on(handlers: { message?: MessageHandler; close?: (why: string) => void }): void {
    this.onMessage = handlers.message ?? this.onMessage
    this.onClose = handlers.close ?? this.onClose
  }

  /** QoS 1: `onAck` runs on PUBACK. Returns false when the socket's buffer is full (back off). */
  publish(topic: Buffer, payload: Buffer, qos: Qos, onAck?: () => void, retain = false): boolean {
    let id = 0
    if (qos === 1) {
      id = this.takeId()
      this.inFlight++
      this.acks.set(id, () => {
        this.inFlight--
        onAck?.()
      })
    }
    return this.send(publishPacket(topic, payload, qos, id, retain, false))
  }

  /**
   * QoS 1 with a packet id of the caller's, for a client that keeps its own unacknowledged
   * publishes across connections: after a reconnect it sends each again with the id it was first
   * sent with and DUP set (MQTT 3.1.1 §4.4). `onAck` runs on PUBACK.
   */
  publishWithId(messageId: number, topic: Buffer, payload: Buffer, options: { dup: boolean; retain?: boolean }, onAck: () => void): boolean {
    this.inFlight++
    this.acks.set(messageId, () => {
      this.inFlight--
      onAck()
    })
    return this.send(publishPacket(topic, payload, 1, messageId, options.retain ?? false, options.dup))
  }

  subscribe(filters: ReadonlyArray<{ topic: string; qos: Qos }>): Promise<number[]> {
    const id = this.takeId()
    return new Promise((resolve) => {
      this.subacks.set(id, resolve)
      this.send(generate({ cmd: 'subscribe', messageId: id, subscriptions: filters.map((f) => ({ topic: f.topic, qos: f.qos })) }))
    })
  }

  ping(): void {
    this.send(PINGREQ)
  }

  /** A clean DISCONNECT: the broker drops the will (PROTOCOL §1: the will is for a connection lost). */
  end(): Promise<void> {
    if (this.closed) return Promise.resolve()
    return new Promise((resolve) => {
      this.socket.once('close', () => resolve())
      this.socket.end(DISCONNECT)
    })
  }

  destroy(): void {
    this.socket.destroy()
  }

  private send(bytes: Buffer): boolean {
    if (this.closed) return false
    this.lastSentMs = performance.now()
    return this.socket.write(bytes)
  }

  /** The next packet id not in use by a publish or subscription still unacknowledged. */
  private takeId(): number {
    for (;;) {
      const id = this.nextId
      this.nextId = id === 0xffff ? 1 : id + 1
      if (!this.acks.has(id) && !this.subacks.has(id)) return id
    }
  }

  /** Publishes, PUBACKs and SUBACKs; anything else the broker sends (PINGRESP) needs no answer. */
  private receive(packet: Packet): void {
    if (packet.cmd === 'publish') {
      if (packet.qos === 1 && packet.messageId !== undefined) this.send(generate({ cmd: 'puback', messageId: packet.messageId }))
      this.onMessage?.(packet.topic, typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload, packet.retain)
    } else if (packet.cmd === 'puback' && packet.messageId !== undefined) {
      const done = this.acks.get(packet.messageId)
      this.acks.delete(packet.messageId)
      done?.()
    } else if (packet.cmd === 'suback' && packet.messageId !== undefined) {
      const done = this.subacks.get(packet.messageId)
      this.subacks.delete(packet.messageId)
      // MQTT 3.1.1 grants are return codes (numbers); only MQTT 5 has objects here.
      done?.(packet.granted as number[])
    }
  }
}
