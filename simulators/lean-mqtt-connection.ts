import { connect as connectTcp, type Socket } from 'node:net'
import {
  DISCONNECT,
  FrameDecoder,
  PINGREQ,
  encodeConnect,
  encodePuback,
  encodePublish,
  encodeSubscribe,
  type ConnectFields,
  type Packet,
  type Qos,
} from './mqtt-frames.js'

export interface LeanConnectOptions extends ConnectFields {
  host: string
  port: number
  timeoutMs: number
}

export type MessageHandler = (topic: string, payload: Buffer, retain: boolean) => void

/**
 * One MQTT 3.1.1 connection with no store, no reconnect and no timers of its own: QoS 0 and 1
 * publishes, subscriptions, PUBACK for what it receives. A load generator runs thousands of
 * them in one process and drives keepalive itself (`ping`).
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
      const decoder = new FrameDecoder()
      let settled = false
      const fail = (error: Error): void => {
        socket.destroy()
        if (!settled) {
          settled = true
          reject(error)
        }
      }
      const timer = setTimeout(() => fail(new Error(`${options.clientId}: no CONNACK in ${options.timeoutMs} ms`)), options.timeoutMs)
      socket.once('connect', () => socket.write(encodeConnect(options)))
      socket.on('error', (error) => fail(error))
      socket.on('close', () => {
        clearTimeout(timer)
        connection.closed = true
        if (!settled) fail(new Error(`${options.clientId}: connection closed before CONNACK`))
        else connection.onClose?.('closed')
      })
      socket.on('data', (chunk: Buffer) => {
        // What one chunk provokes (PUBACKs, the next publishes) leaves in one write, not one syscall each.
        socket.cork()
        decoder.push(chunk, (packet) => {
          if (packet.type === 'connack' && !settled) {
            clearTimeout(timer)
            if (packet.returnCode !== 0) return fail(new Error(`${options.clientId}: CONNACK ${packet.returnCode}`))
            settled = true
            resolve({ connection, sessionPresent: packet.sessionPresent })
            return
          }
          connection.receive(packet)
        })
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
    return this.send(encodePublish(topic, payload, qos, id, retain))
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
    return this.send(encodePublish(topic, payload, 1, messageId, options.retain ?? false, options.dup))
  }

  subscribe(filters: ReadonlyArray<{ topic: string; qos: Qos }>): Promise<number[]> {
    const id = this.takeId()
    return new Promise((resolve) => {
      this.subacks.set(id, resolve)
      this.send(encodeSubscribe(id, filters))
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

  private receive(packet: Packet): void {
    switch (packet.type) {
      case 'publish':
        if (packet.qos === 1) this.send(encodePuback(packet.messageId))
        this.onMessage?.(packet.topic, packet.payload, packet.retain)
        return
      case 'puback': {
        const done = this.acks.get(packet.messageId)
        this.acks.delete(packet.messageId)
        done?.()
        return
      }
      case 'suback': {
        const done = this.subacks.get(packet.messageId)
        this.subacks.delete(packet.messageId)
        done?.(packet.granted)
        return
      }
      case 'connack':
      case 'pingresp':
      case 'other':
        return
    }
  }
}
