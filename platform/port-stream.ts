import { Duplex } from 'node:stream'
import type { MessagePort } from 'node:worker_threads'

/**
 * A byte stream over a MessagePort, one end in each thread: MQTT over WebSocket arrives at the
 * platform's HTTP server and is served by the broker in its own thread. `null` is the end of the
 * stream; closing the port (either end) destroys both.
 */
export class PortStream extends Duplex {
  constructor(private readonly port: MessagePort) {
    super()
    port.on('message', (chunk: Uint8Array | null) => {
      this.push(chunk === null ? null : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength))
    })
    port.once('close', () => this.destroy())
  }

  override _read(): void {
    // Chunks are pushed as they arrive from the other thread.
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    // A copy of its own: a view into a pooled buffer would carry the whole pool across.
    this.port.postMessage(new Uint8Array(chunk))
    callback()
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.port.postMessage(null)
    callback()
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.port.close()
    callback(error)
  }
}
