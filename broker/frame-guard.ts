import { Duplex } from 'node:stream'
import type { Refusal } from './packet-refusal.js'

/** Checks each whole packet before it goes on (broker/packet-rules.ts). */
export interface PacketCheck {
  /** `packet` holds the fixed header and the body from `bodyStart`; it may be rewritten in place. */
  check(packet: Buffer, bodyStart: number): Refusal | undefined
}

export interface ScanResult {
  /** The bytes of the whole packets that passed, in order, to hand on to the broker. */
  pass: Buffer[]
  /** Set when the stream must be cut; nothing more is to be read from it. */
  refusal?: Refusal
}

/**
 * Reads MQTT fixed headers as bytes arrive, so an oversized packet is refused from its first
 * bytes instead of being buffered whole by the packet parser; holds back each packet until it is
 * whole (at most the size limit), has it checked, and only then passes it on. A packet may arrive
 * split across chunks and a chunk may hold several: whole packets that arrived in one chunk go on
 * as one slice of it, without a copy.
 */
export class MqttFrameScanner {
  private state: 'type' | 'length' | 'body' = 'type'
  private length = 0
  private multiplier = 1
  private lengthBytes = 0
  private remaining = 0
  /** The start of the packet under way, from earlier chunks (none while packets arrive whole, as they do on an idle connection). */
  private carried: Buffer[] | undefined

  constructor(
    private readonly maxPacketBytes: number,
    private readonly rules?: PacketCheck,
  ) {}

  feed(chunk: Buffer): ScanResult {
    const pass: Buffer[] = []
    // Bytes of this chunk before `runStart` are passed on or carried already.
    let runStart = 0
    let packetStart = 0
    let startedHere = false
    let i = 0
    while (i < chunk.length) {
      let complete = false
      if (this.state === 'type') {
        this.state = 'length'
        this.length = 0
        this.multiplier = 1
        this.lengthBytes = 0
        packetStart = i
        startedHere = true
        i++
      } else if (this.state === 'length') {
        const byte = chunk[i++] as number
        this.length += (byte & 0x7f) * this.multiplier
        this.multiplier *= 128
        this.lengthBytes++
        const total = 1 + this.lengthBytes + this.length
        if (total > this.maxPacketBytes) {
          return { pass: [], refusal: { reason: 'packet_too_large', why: `packet of at least ${total} bytes exceeds the ${this.maxPacketBytes}-byte limit` } }
        }
        if (byte & 0x80) {
          if (this.lengthBytes === 4) return { pass: [], refusal: { reason: 'malformed_packet', why: 'remaining length of more than four bytes (MQTT 3.1.1 §2.2.3)' } }
        } else {
          this.remaining = this.length
          this.state = 'body'
          complete = this.remaining === 0
        }
      } else {
        const take = Math.min(this.remaining, chunk.length - i)
        i += take
        this.remaining -= take
        complete = this.remaining === 0
      }
      if (!complete) continue
      this.state = 'type'
      const packet = startedHere ? chunk.subarray(packetStart, i) : Buffer.concat([...(this.carried ?? []), chunk.subarray(0, i)])
      this.carried = undefined
      const refusal = this.rules?.check(packet, 1 + this.lengthBytes)
      if (refusal) return { pass: [], refusal }
      if (!startedHere) {
        pass.push(packet)
        runStart = i
      }
    }
    if (this.state === 'type') {
      if (runStart < chunk.length) pass.push(chunk.subarray(runStart))
    } else {
      const partStart = startedHere ? packetStart : 0
      if (runStart < partStart) pass.push(chunk.subarray(runStart, partStart))
      ;(this.carried ??= []).push(chunk.subarray(partStart))
    }
    return { pass }
  }
}

/** How long a refused client has to close its side after its CONNACK before the connection is cut. */
const CONNACK_LINGER_MS = 2000

/** The guard on a connection, kept on the connection so that one set of listeners serves them all. */
const GUARD = Symbol('hearth.guard')

interface Guarded extends Duplex {
  [GUARD]?: GuardedConnection
}

/**
 * Wraps a connection so that the broker only ever sees whole packets within the size limit that
 * passed the scanner's checks. On a refusal the connection is closed, after writing the CONNACK
 * the refusal asks for (the broker never saw that CONNECT, so it answers nothing itself).
 *
 * Every idle device holds one, so it holds no functions of its own: the listeners on the inner
 * connection are shared and find their guard on it.
 */
export class GuardedConnection extends Duplex {
  private ended = false
  private refused = false
  /** Set when the connection is left to close itself once a refusal's CONNACK is written. */
  private lingering = false
  private corked = false

  constructor(
    private readonly inner: Duplex,
    private readonly scanner: MqttFrameScanner,
    private readonly onRefuse: (refusal: Refusal) => void,
  ) {
    super({ allowHalfOpen: false })
    ;(inner as Guarded)[GUARD] = this
    inner.on('data', onInnerData)
    inner.on('end', onInnerEnd)
    inner.on('error', onInnerError)
    // After a clean end the broker still reads what was buffered; only an abrupt close cuts it short.
    inner.on('close', onInnerClose)
  }

  /** @internal A chunk read from the inner connection. */
  static received(guard: GuardedConnection, chunk: Buffer): void {
    if (guard.refused) return
    const { pass, refusal } = guard.scanner.feed(chunk)
    if (refusal) {
      guard.refuse(refusal)
      return
    }
    let more = true
    for (const bytes of pass) more = guard.push(bytes) && more
    if (!more) guard.inner.pause()
  }

  /** @internal The inner connection ended (once) or closed (once). */
  static innerEnded(guard: GuardedConnection, closed: boolean): void {
    if (closed) {
      if (!guard.ended) guard.destroy()
      return
    }
    guard.ended = true
    guard.push(null)
  }

  private refuse(refusal: Refusal): void {
    const inner = this.inner
    this.refused = true
    this.onRefuse(refusal)
    if (refusal.connack === undefined) {
      inner.destroy()
    } else {
      this.lingering = true
      // Read on (and drop) what else it sends, so that its closing is noticed.
      inner.resume()
      inner.end(Buffer.from([0x20, 0x02, 0x00, refusal.connack]))
      const cut = setTimeout(() => inner.destroy(), CONNACK_LINGER_MS)
      cut.unref()
      inner.once('close', () => clearTimeout(cut))
    }
    this.destroy()
  }

  private static flush(this: void, guard: GuardedConnection): void {
    guard.corked = false
    guard.inner.uncork()
  }

  override _read(): void {
    this.inner.resume()
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.inner.destroyed) return callback()
    // aedes writes each packet in pieces (header, topic, payload), and often several packets at
    // once; corked until the current callback returns, they leave in one system call, not one each.
    if (!this.corked) {
      this.corked = true
      this.inner.cork()
      process.nextTick(GuardedConnection.flush, this)
    }
    if (this.inner.write(chunk)) callback()
    else this.inner.once('drain', () => callback())
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.inner.end()
    callback()
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (!this.lingering) this.inner.destroy()
    callback(error)
  }
}

function onInnerData(this: Guarded, chunk: Buffer): void {
  const guard = this[GUARD]
  if (guard) GuardedConnection.received(guard, chunk)
}

function onInnerEnd(this: Guarded): void {
  const guard = this[GUARD]
  if (guard) GuardedConnection.innerEnded(guard, false)
}

function onInnerClose(this: Guarded): void {
  const guard = this[GUARD]
  if (guard) GuardedConnection.innerEnded(guard, true)
}

function onInnerError(this: Guarded, error: Error): void {
  this[GUARD]?.destroy(error)
}
