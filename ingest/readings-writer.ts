import type { Logger } from 'pino'
import type { IngestMetrics } from './ingest-metrics.js'
import type { IngestReading, ReadingsSink } from './ports.js'

/** Readings judged from the log, and the log position just after the last record they came from. */
interface Chunk {
  readings: IngestReading[]
  upTo: number
}

/**
 * The judged readings not yet written, in log order, and their writes to the `ReadingsSink`: in
 * batches of up to `maxBatch` readings, each with the log position it reaches, one write at a
 * time so that batches reach the store in order. A failed write is retried on the next `write`;
 * the readings log keeps what it holds meanwhile.
 */
export function createReadingsWriter(
  config: { maxBatch: number },
  deps: {
    logger: Logger
    sink: ReadingsSink
    metrics: Pick<IngestMetrics, 'written' | 'writeErrors'>
    /** The store has the log up to `upTo`. */
    stored: (upTo: number) => void
  },
) {
  const log = deps.logger
  let chunks: Chunk[] = []
  let pendingCount = 0
  let writing: Promise<void> | undefined

  const writePending = async (): Promise<void> => {
    while (chunks.length > 0) {
      let taken = 0
      let count = 0
      while (taken < chunks.length && (taken === 0 || count + (chunks[taken] as Chunk).readings.length <= config.maxBatch)) {
        count += (chunks[taken] as Chunk).readings.length
        taken++
      }
      const batchChunks = chunks.slice(0, taken)
      const batch = batchChunks.length === 1 ? (batchChunks[0] as Chunk).readings : batchChunks.flatMap((c) => c.readings)
      const upTo = (batchChunks.at(-1) as Chunk).upTo
      try {
        await deps.sink.writeBatch(batch, upTo)
      } catch (error) {
        deps.metrics.writeErrors.inc()
        log.error({ err: error, batch: batch.length }, 'readings write failed; will retry (the readings log keeps them)')
        return
      }
      deps.metrics.written.inc(batch.length)
      chunks = chunks.slice(taken)
      pendingCount -= batch.length
      deps.stored(upTo)
      // A store that writes synchronously (SQLite) would otherwise hold the event loop for the
      // whole backlog: between batches, the thread answers what else it is asked.
      if (chunks.length > 0) await new Promise((resolve) => setImmediate(resolve))
    }
  }

  return {
    /** Judged readings up to log position `upTo`, to be written after those added before them. */
    add(chunk: Chunk): void {
      chunks.push(chunk)
      pendingCount += chunk.readings.length
    },
    /** Readings judged and not yet written. */
    pending: (): number => pendingCount,
    /** Writes everything buffered, or joins the write under way. */
    write(): Promise<void> {
      writing ??= writePending().finally(() => {
        writing = undefined
      })
      return writing
    },
    /** The write under way, if any. */
    writing: (): Promise<void> | undefined => writing,
  }
}

export type ReadingsWriter = ReturnType<typeof createReadingsWriter>
