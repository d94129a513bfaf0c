import { Duplex } from 'node:stream'

/**
 * Reads MQTT fixed headers as bytes arrive, so an oversized packet is refused from its first
 * bytes instead of being buffered whole by the packet parser.
 */
export class MqttFrameScanner {
  private state: 'type' | 'length' | 'body' = 'type'
  private length = 0
  private multiplier = 1
  private lengthBytes = 0
  private remaining = 0

  constructor(private readonly maxPacketBytes: number) {}

  /** Returns why the stream must be cut, or undefined while every packet is within bounds. */
  feed(chunk: Buffer): string | undefined {
    let i = 0
    while (i < chunk.length) {
      if (this.state === 'type') {
        this.state = 'length'
        this.length = 0
        this.multiplier = 1
        this.lengthBytes = 0
        i++
      } else if (this.state === 'length') {
        const byte = chunk[i++] as number
        this.length += (byte & 0x7f) * this.multiplier
        this.multiplier *= 128
        this.lengthBytes++
        const total = 1 + this.lengthBytes + this.length
        if (total > this.maxPacketBytes) return `packet of at least ${total} bytes exceeds the ${this.maxPacketBytes}-byte limit`
        if (byte & 0x80) {
          if (this.lengthBytes === 4) return 'malformed remaining length'
        } else {
          this.remaining = this.length
          this.state = this.remaining === 0 ? 'type' : 'body'
        }
      } else {
        const take = Math.min(this.remaining, chunk.length - i)
        i += take
        this.remaining -= take
        if (this.remaining === 0) this.state = 'type'
      }
    }
    return undefined
  }
}

/** Wraps a connection so that the broker only ever sees bytes of packets within the size limit. */
export class GuardedConnection extends Duplex {
  private ended = false
  private corked = false
  private readonly flush = (): void => {
    this.corked = false
    this.inner.uncork()
  }

  constructor(
    private readonly inner: Duplex,
    scanner: MqttFrameScanner,
    onRefuse: (reason: string) => void,
  ) {
    super({ allowHalfOpen: false })
    inner.on('data', (chunk: Buffer) => {
      const problem = scanner.feed(chunk)
      if (problem) {
        onRefuse(problem)
        inner.destroy()
        this.destroy()
        return
      }
      if (!this.push(chunk)) inner.pause()
    })
    inner.once('end', () => {
      this.ended = true
      this.push(null)
    })
    inner.on('error', (error) => this.destroy(error))
    // After a clean end the broker still reads what was buffered; only an abrupt close cuts it short.
    inner.once('close', () => {
      if (!this.ended) this.destroy()
    })
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
      process.nextTick(this.flush)
    }
    if (this.inner.write(chunk)) callback()
    else this.inner.once('drain', () => callback())
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.inner.end()
    callback()
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.inner.destroy()
    callback(error)
  }
}
