import { createRequire } from 'node:module'
import { Readable } from 'node:stream'

/**
 * aedes' in-memory persistence with the outgoing queue of each persistent session kept in maps.
 *
 * The stock queue is an array searched from the front on every delivery (to record the packet id)
 * and every PUBACK (to remove it), so its cost grows with the backlog: once a persistent
 * subscriber such as ingest falls a few thousand messages behind, each delivery scans them all,
 * the backlog grows faster, and throughput collapses. Here both lookups take constant time and
 * the queue keeps the order in which messages were queued, which is the order they are resent in
 * after a reconnect.
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

interface MemoryPersistenceClass {
  new (options?: object): object
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

export class SessionStore extends MemoryPersistence {
  private readonly queues = new Map<string, OutgoingQueue>()

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

  outgoingStream(client: ClientRef): Readable {
    // A copy: the queue changes while aedes resends from it.
    return Readable.from([...(this.queues.get(client.id)?.packets.values() ?? [])])
  }
}
