import type { Logger } from 'pino'
import { Counter, Gauge, type Registry } from 'prom-client'
import type { HealthReport } from '../contract/index.js'
import { openDatabase, type SqliteDatabase } from './open-database.js'
import { RejectedBatchError, type ReadingsStore, type StoredReading } from './readings-store.js'

export interface SpoolOptions {
  /** The spool's SQLite file, under HEARTH_DATA_DIR. */
  path: string
  /** Readings replayed per write once the store is back. */
  replayBatch: number
  retryMinMs: number
  retryMaxMs: number
  logger: Logger
  metrics: Registry
}

const SPOOL_MIGRATIONS = [
  { version: 1, sql: 'CREATE TABLE spool (seq INTEGER PRIMARY KEY AUTOINCREMENT, readings TEXT NOT NULL, count INTEGER NOT NULL)' },
  // How far into the readings log the store has (InfluxDB) or the spool holds the readings.
  { version: 2, sql: 'CREATE TABLE log_position (id INTEGER PRIMARY KEY CHECK (id = 1), position INTEGER NOT NULL)' },
]

const SET_POSITION = 'INSERT INTO log_position (id, position) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET position = excluded.position'

export type SpooledReadingsStore = ReadingsStore & { health(): HealthReport; spooled(): number }

/**
 * Puts a durable spool in front of a remote readings store: while the store is unreachable or
 * refusing, batches go to a SQLite file and are replayed in order when it is back. Writes
 * always resolve once the readings are stored or spooled, so ingest never waits on the outage.
 */
export function createSpooledReadingsStore(inner: ReadingsStore, options: SpoolOptions): SpooledReadingsStore {
  const log = options.logger
  let db: SqliteDatabase | undefined
  let depth = 0
  let replaying: Promise<void> | undefined
  let closed = false
  let failingSince: number | undefined
  let lastError = ''
  const written = new Counter({ name: 'hearth_readings_store_points_written_total', help: 'Readings the readings store accepted (direct and replayed)', registers: [options.metrics] })
  const errors = new Counter({ name: 'hearth_readings_store_write_errors_total', help: 'Failed writes to the readings store', registers: [options.metrics] })
  const rejected = new Counter({ name: 'hearth_readings_store_rejected_total', help: 'Readings the store refused for good (beyond its retention, bad points)', registers: [options.metrics] })
  const replayed = new Counter({ name: 'hearth_readings_spool_replayed_total', help: 'Spooled readings replayed into the store', registers: [options.metrics] })
  new Gauge({
    name: 'hearth_readings_spool_depth',
    help: 'Readings waiting in the spool for the store',
    registers: [options.metrics],
    collect() {
      this.set(depth)
    },
  })

  const spool = (): SqliteDatabase => {
    db ??= openDatabase(options.path, SPOOL_MIGRATIONS, { synchronous: 'FULL' })
    return db
  }

  /** Spools a batch and the log position it takes the store to, in one transaction. */
  const append = (readings: readonly StoredReading[], logPosition: number | undefined): void => {
    const db = spool()
    db.transaction(() => {
      if (readings.length > 0) db.prepare('INSERT INTO spool (readings, count) VALUES (?, ?)').run(JSON.stringify(readings), readings.length)
      if (logPosition !== undefined) db.prepare(SET_POSITION).run(logPosition)
    })()
    depth += readings.length
  }

  /** After InfluxDB took a batch: should the process stop before this, the batch is written again, over the same points. */
  const recordPosition = (logPosition: number | undefined): void => {
    if (logPosition !== undefined) spool().prepare(SET_POSITION).run(logPosition)
  }

  /** A batch refused for good is not retried; spooling it would block everything behind it. */
  const isRejection = (error: unknown, count: number): boolean => {
    if (!(error instanceof RejectedBatchError)) return false
    // A partial write stored the rest: only what the store dropped is lost.
    const dropped = error.dropped ?? count
    rejected.inc(dropped)
    written.inc(count - dropped)
    log.error({ err: error, readings: count, dropped }, 'readings store refused readings for good')
    return true
  }

  const failed = (error: unknown): void => {
    errors.inc()
    lastError = error instanceof Error ? error.message : String(error)
    if (failingSince === undefined) {
      failingSince = Date.now()
      log.error({ err: error, store: inner.kind }, 'readings store unavailable; spooling readings')
    }
  }

  /** Replays the spool oldest first; a batch leaves the spool only once the store has it. */
  const replay = async (): Promise<void> => {
    let delayMs = options.retryMinMs
    while (!closed && depth > 0) {
      const rows = spool().prepare<[], { seq: number; readings: string; count: number }>('SELECT seq, readings, count FROM spool ORDER BY seq').iterate()
      const taken: number[] = []
      const batch: StoredReading[] = []
      for (const row of rows) {
        if (batch.length > 0 && batch.length + row.count > options.replayBatch) break
        taken.push(row.seq)
        batch.push(...(JSON.parse(row.readings) as StoredReading[]))
      }
      try {
        await inner.writeBatch(batch)
      } catch (error) {
        if (isRejection(error, batch.length)) {
          spool().prepare(`DELETE FROM spool WHERE seq <= ?`).run(taken.at(-1))
          depth -= batch.length
          continue
        }
        failed(error)
        await new Promise((resolve) => setTimeout(resolve, delayMs).unref())
        delayMs = Math.min(delayMs * 2, options.retryMaxMs)
        continue
      }
      delayMs = options.retryMinMs
      spool().prepare(`DELETE FROM spool WHERE seq <= ?`).run(taken.at(-1))
      depth -= batch.length
      written.inc(batch.length)
      replayed.inc(batch.length)
    }
    if (depth === 0 && failingSince !== undefined) {
      log.info({ store: inner.kind, outageMs: Date.now() - failingSince }, 'readings store back; spool replayed')
      failingSince = undefined
    }
  }

  const startReplay = (): void => {
    replaying ??= replay().finally(() => {
      replaying = undefined
    })
  }

  return {
    kind: inner.kind,
    async start() {
      depth = spool().prepare<[], { n: number }>('SELECT COALESCE(SUM(count), 0) AS n FROM spool').get()?.n ?? 0
      try {
        await inner.start()
      } catch (error) {
        failed(error)
      }
      if (depth > 0) {
        log.info({ spooled: depth }, 'replaying readings spooled before the last stop')
        startReplay()
      }
    },
    async writeBatch(readings, logPosition) {
      if (readings.length === 0) return recordPosition(logPosition)
      if (depth === 0) {
        try {
          await inner.writeBatch(readings)
          written.inc(readings.length)
          failingSince = undefined
          return recordPosition(logPosition)
        } catch (error) {
          if (isRejection(error, readings.length)) return recordPosition(logPosition)
          failed(error)
        }
      }
      // PROTOCOL: nothing lost. Behind a non-empty spool, new readings queue too, keeping order.
      append(readings, logPosition)
      startReplay()
    },
    logPosition: () => Promise.resolve(spool().prepare<[], { position: number }>('SELECT position FROM log_position WHERE id = 1').get()?.position),
    series: (q, maxPoints) => inner.series(q, maxPoints),
    latest: (personId, nowMs) => inner.latest(personId, nowMs),
    applyRetention: (nowMs, policy) => inner.applyRetention(nowMs, policy),
    spooled: () => depth,
    health: () =>
      depth === 0 && failingSince === undefined
        ? { component: 'readings-store', ok: true }
        : { component: 'readings-store', ok: true, degraded: true, detail: `${inner.kind} unavailable (${lastError}); ${depth} readings spooled` },
    async close() {
      closed = true
      await replaying
      await inner.close()
      db?.close()
      db = undefined
    },
  }
}
