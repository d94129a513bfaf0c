import type { Logger } from 'pino'
import { isDeviceId, type DeviceId } from '../contract/ids.js'
import type { IngestReading, ReadingsLogSource } from './ports.js'
import type { ReadingsWriter } from './readings-writer.js'

/** Log bytes read at a time: one chunk of readings, judged in one go. */
const READ_BYTES = 256 * 1024

/**
 * Reads the readings log up to its durable end, a chunk at a time, yielding to the event loop
 * between chunks, and hands each chunk's judged readings to the writer. Stops while the writer
 * holds `maxPending` readings (the store away), the log keeping the rest, and goes on once the
 * store has taken some. Keeps the log positions: how far it is on disk, where reading goes on,
 * how far the store has it (whole segments before that are removed).
 */
export function createReadingsLogPump(
  config: { maxBatch: number; maxPending: number },
  deps: {
    logger: Logger
    log: ReadingsLogSource
    writer: Pick<ReadingsWriter, 'add' | 'pending'>
    /** Judges one logged readings message; its good records join `into`. */
    judge: (deviceId: DeviceId, payload: Buffer, receivedAtMs: number, into: IngestReading[]) => void
    /** Called when a batch's worth of readings is waiting. */
    flush: () => void
  },
) {
  const log = deps.logger
  /** How far the broker's log is on disk; where ingest reads next; how far the store has it. */
  let logEnd = 0
  let readAt = 0
  let storedUpTo = 0
  let behind = 0
  let started = false
  let pumping = false

  const pump = (): void => {
    pumping = false
    if (!started) return
    if (readAt >= logEnd || deps.writer.pending() >= config.maxPending) return
    let next: number
    const readings: IngestReading[] = []
    try {
      const read = deps.log.read(readAt, logEnd, READ_BYTES)
      next = read.next
      for (const record of read.records) {
        if (!isDeviceId(record.deviceId)) continue
        try {
          deps.judge(record.deviceId, record.payload, record.receivedAtMs, readings)
        } catch (error) {
          log.error({ err: error, deviceId: record.deviceId }, 'ingest failed to handle a readings message')
        }
      }
    } catch (error) {
      log.error({ err: error, at: readAt }, 'could not read the readings log; will retry')
      return
    }
    if (next === readAt) return
    readAt = next
    deps.writer.add({ readings, upTo: readAt })
    behind = logEnd - storedUpTo
    if (deps.writer.pending() >= config.maxBatch) deps.flush()
    if (readAt < logEnd) schedule()
  }
  const schedule = (): void => {
    if (pumping) return
    pumping = true
    setImmediate(pump)
  }

  return {
    /** Starts reading at `position`, where the store's readings end. */
    begin(position: number): void {
      readAt = storedUpTo = position
      logEnd = Math.max(logEnd, readAt)
      started = true
      if (readAt < logEnd) log.info({ bytes: logEnd - readAt }, 'reading readings logged before the last stop')
      schedule()
    },
    /** The broker's log is on disk up to `end`: read on to there. */
    durable(end: number): void {
      if (end <= logEnd) return
      logEnd = end
      behind = logEnd - storedUpTo
      schedule()
    },
    /** Reads all the log known to be on disk now, synchronously (close and flush). */
    drain(): void {
      for (let guard = 0; started && readAt < logEnd && deps.writer.pending() < config.maxPending && guard < 1_000_000; guard++) {
        const before = readAt
        pump()
        if (readAt === before) break
      }
    },
    /** The store has the log up to `upTo`: let go of the segments before it, and read on if reading had stopped. */
    stored(upTo: number): void {
      storedUpTo = upTo
      behind = logEnd - storedUpTo
      try {
        deps.log.release(storedUpTo)
      } catch (error) {
        log.warn({ err: error }, 'could not remove a readings log segment already stored')
      }
      // Reading stopped while the store was away and the buffer full: go on.
      if (readAt < logEnd) schedule()
    },
    /** Reads no more. */
    stop(): void {
      started = false
    },
    /** Bytes of the log on disk that the store does not have yet. */
    behind: (): number => behind,
    positions: () => ({ storedUpTo, logEnd }),
  }
}
