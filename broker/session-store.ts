import { createRequire } from 'node:module'
import { Readable } from 'node:stream'
import { SubscriptionIndex, type Subscription, type TopicSubscriber } from './subscription-index.js'

/**
 * aedes' in-memory persistence with the outgoing queue of each persistent session kept in maps.
 *
 * The stock queue is an array searched from the front on every delivery (to record the packet id)
 * and every PUBACK (to remove it), so its cost grows with the backlog: once a persistent
 * subscriber such as ingest falls a few thousand messages behind, each delivery scans them all,
 * the backlog grows faster, and throughput collapses. Here both lookups take constant time and
 * the queue keeps the order in which messages were queued, which is the order they are resent in
 * after a reconnect.
 *
 * Retained messages (each device's status) are looked up by topic: the stock store tests every
 * retained topic against each new subscription, so a fleet of N devices, each subscribing to its
 * own commands as it connects, cost N² topic matches to connect.
 *
 * Every idle device holds a session here, so what each holds is kept small: subscriptions once each
 * (subscription-index.ts), a retained message as the four fields aedes reads back, and retained and
 * will payloads in buffers of their own size, not views that keep a whole read buffer alive.
 */

/** The fields of an aedes packet this store reads; the rest it keeps as they are. */
interface QueuedPacket {
  cmd?: string
  brokerId?: string
  brokerCounter?: number
  messageId?: number
  [field: string]: unknown
}

interface ClientRef {
  id: string
}

type PacketConstructor = new (packet: object) => QueuedPacket

interface WillStore {
  putWill(client: ClientRef, packet: object): Promise<void>
}

interface MemoryPersistenceClass {
  new (options?: object): WillStore
  Packet: PacketConstructor
}

const require = createRequire(import.meta.url)
const MemoryPersistence = require('aedes-persistence/asyncPersistence.js') as MemoryPersistenceClass
const Packet = MemoryPersistence.Packet

/** One session's queue: packets in queue order, and where each packet id points. */
class OutgoingQueue {
  readonly packets = new Map<string, QueuedPacket>()
  readonly keyOfMessageId = new Map<number, string>()
}

const keyOf = (packet: QueuedPacket): string => `${packet.brokerId ?? ''}:${packet.brokerCounter ?? 0}`

/** MQTT topic filter matching (MQTT 3.1.1 §4.7): `+` one level, `#` the rest; wildcards never match a leading `$`. */
export function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split('/')
  const t = topic.split('/')
  if (topic.startsWith('$') && (f[0] === '+' || f[0] === '#')) return false
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true
    if (i >= t.length) return false
    if (f[i] !== '+' && f[i] !== t[i]) return false
  }
  return f.length === t.length
}

const hasWildcard = (filter: string): boolean => filter.includes('+') || filter.includes('#')

/** The bytes alone: a payload parsed from a socket's read is a view that keeps the whole read buffer (or an 8 KiB pool slab) alive. */
function ownBytes(payload: Buffer): Buffer {
  if (payload.byteOffset === 0 && payload.byteLength === payload.buffer.byteLength) return payload
  const copy = Buffer.allocUnsafeSlow(payload.length)
  payload.copy(copy)
  return copy
}

/** A retained message: what aedes reads back of it when a subscription matches (handlers/subscribe.js). */
interface RetainedMessage {
  cmd?: string
  topic: string
  payload: Buffer
  qos?: number
}

export class SessionStore extends MemoryPersistence {
  private readonly queues = new Map<string, OutgoingQueue>()
  private readonly retained = new Map<string, RetainedMessage>()
  private readonly subscriptions = new SubscriptionIndex()

  storeRetained(packet: RetainedMessage): Promise<void> {
    if (packet.payload.length === 0) this.retained.delete(packet.topic)
    else this.retained.set(packet.topic, { cmd: packet.cmd, topic: packet.topic, payload: ownBytes(packet.payload), qos: packet.qos })
    return Promise.resolve()
  }

  override putWill(client: ClientRef, packet: { payload?: Buffer }): Promise<void> {
    // The will is the client's own packet (aedes keeps it as `client.will` too): its payload is replaced by an equal copy.
    if (Buffer.isBuffer(packet.payload)) packet.payload = ownBytes(packet.payload)
    return super.putWill(client, packet)
  }

  addSubscriptions(client: ClientRef, subs: Subscription[]): Promise<void> {
    this.subscriptions.add(client.id, subs)
    return Promise.resolve()
  }

  removeSubscriptions(client: ClientRef, topics: string[]): Promise<void> {
    this.subscriptions.remove(client.id, topics)
    return Promise.resolve()
  }

  cleanSubscriptions(client: ClientRef): Promise<void> {
    this.subscriptions.clear(client.id)
    return Promise.resolve()
  }

  subscriptionsByClient(client: ClientRef): Promise<Subscription[]> {
    return Promise.resolve(this.subscriptions.ofClient(client.id))
  }

  subscriptionsByTopic(topic: string): Promise<TopicSubscriber[]> {
    return Promise.resolve(this.subscriptions.matching(topic))
  }

  countOffline(): Promise<{ subsCount: number; clientsCount: number }> {
    return Promise.resolve(this.subscriptions.counts())
  }

  getClientList(topic: string): Readable {
    return Readable.from(this.subscriptions.clientsOf(topic))
  }

  private *retainedFor(filter: string): Generator<{ topic: string; payload: Buffer }> {
    if (!hasWildcard(filter)) {
      const exact = this.retained.get(filter)
      if (exact) yield exact
      return
    }
    for (const [topic, packet] of this.retained) if (topicMatches(filter, topic)) yield packet
  }

  createRetainedStream(filter: string): Readable {
    return Readable.from(this.retainedFor(filter))
  }

  createRetainedStreamCombi(filters: string[]): Readable {
    return Readable.from(filters.flatMap((filter) => [...this.retainedFor(filter)]))
  }

  private queue(clientId: string): OutgoingQueue {
    let queue = this.queues.get(clientId)
    if (!queue) {
      queue = new OutgoingQueue()
      this.queues.set(clientId, queue)
    }
    return queue
  }

  private enqueue(clientId: string, packet: object): void {
    const copy = new Packet(packet)
    this.queue(clientId).packets.set(keyOf(copy), copy)
  }

  outgoingEnqueue(sub: { clientId: string }, packet: object): Promise<void> {
    this.enqueue(sub.clientId, packet)
    return Promise.resolve()
  }

  outgoingEnqueueCombi(subs: Array<{ clientId: string }>, packet: object): Promise<void> {
    for (const sub of subs) this.enqueue(sub.clientId, packet)
    return Promise.resolve()
  }

  /**
   * Records the packet id a queued message was sent with, or (QoS 2) replaces the message with
   * its PUBREL under the same packet id. Rejects a packet that is not queued, as the stock store does.
   */
  outgoingUpdate(client: ClientRef, packet: QueuedPacket): Promise<void> {
    const queue = this.queues.get(client.id)
    if (!queue) return Promise.reject(new Error('no such packet'))
    const key = keyOf(packet)
    const queued = packet.brokerId === undefined ? undefined : queue.packets.get(key)
    if (queued) {
      if (queued.messageId !== undefined && queue.keyOfMessageId.get(queued.messageId) === key) queue.keyOfMessageId.delete(queued.messageId)
      queued.messageId = packet.messageId
      if (packet.messageId !== undefined) queue.keyOfMessageId.set(packet.messageId, key)
      return Promise.resolve()
    }
    const sameId = packet.messageId === undefined ? undefined : queue.keyOfMessageId.get(packet.messageId)
    if (sameId !== undefined && queue.packets.get(sameId)?.brokerId !== packet.brokerId) {
      queue.packets.set(sameId, packet)
      return Promise.resolve()
    }
    return Promise.reject(new Error('no such packet'))
  }

  /** Removes the message sent with this packet id (its PUBACK or PUBCOMP came) and returns it. */
  outgoingClearMessageId(client: ClientRef, packet: QueuedPacket): Promise<QueuedPacket | undefined> {
    const queue = this.queues.get(client.id)
    const key = packet.messageId === undefined ? undefined : queue?.keyOfMessageId.get(packet.messageId)
    if (!queue || key === undefined || packet.messageId === undefined) return Promise.resolve(undefined)
    const queued = queue.packets.get(key)
    queue.keyOfMessageId.delete(packet.messageId)
    queue.packets.delete(key)
    if (queue.packets.size === 0) this.queues.delete(client.id)
    return Promise.resolve(queued)
  }

  /** The payloads queued or in flight for a client on this topic: what its session will still deliver. */
  queuedPayloads(clientId: string, topic: string): Buffer[] {
    const packets = [...(this.queues.get(clientId)?.packets.values() ?? [])]
    return packets.filter((p) => p.topic === topic && Buffer.isBuffer(p.payload)).map((p) => p.payload as Buffer)
  }

  outgoingStream(client: ClientRef): Readable {
    // A copy: the queue changes while aedes resends from it.
    return Readable.from([...(this.queues.get(client.id)?.packets.values() ?? [])])
  }
}
