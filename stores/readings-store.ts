import type { MetricName, SeriesPoint } from '../contract/index.js'
import type { IngestReading } from '../ingest/ports.js'

/** One accepted reading as the stores keep it: what ingest hands over. */
export type StoredReading = IngestReading

export interface SeriesQuery {
  personId: string
  metric: MetricName
  fromMs: number
  toMs: number
  /** Buckets start at `fromMs` and are `everyMs` wide. */
  everyMs: number
}

export interface LatestReading {
  metric: MetricName
  value: number
  at: string
}

export interface RetentionPolicy {
  rawRetentionMs: number
  rollupRetentionMs: number
}

interface RetentionResult {
  rolledUp: number
  removed: number
}

export const HOUR_MS = 3_600_000

/**
 * The store refused (part of) a batch for good: sending it again would be refused again (a point
 * beyond the store's retention, a type conflict). Retrying stops; the refusal is counted and logged.
 */
export class RejectedBatchError extends Error {
  /** How many of the batch's readings the store dropped; the rest were stored. Undefined: all of them. */
  readonly dropped: number | undefined

  constructor(message: string, options?: { cause?: unknown; dropped?: number }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'RejectedBatchError'
    this.dropped = options?.dropped
  }
}

/**
 * The readings store port: the embedded SQLite store is the default, InfluxDB the alternative.
 * Both pass test/contract/readings-store.test.ts.
 */
export interface ReadingsStore {
  readonly kind: 'embedded' | 'influxdb'
  start(): Promise<void>
  /**
   * Resolves once the batch is stored; rejects, storing nothing it can tell apart, when it cannot.
   * `logPosition` is how far into the readings log (stores/readings-log.ts) the batch takes the
   * store: kept with the batch, so that after a stop ingest reads on from there and a reading is
   * stored once. A store that cannot keep it (InfluxDB alone) ignores it and overwrites a point
   * written again at the same time.
   */
  writeBatch(readings: readonly StoredReading[], logPosition?: number): Promise<void>
  /** The readings log position the last batch recorded; undefined when none has or the store cannot keep one. */
  logPosition(): Promise<number | undefined>
  /** Buckets with at least one reading, oldest first, at most `maxPoints`. */
  series(q: SeriesQuery, maxPoints: number): Promise<SeriesPoint[]>
  /** The most recent value of each metric for a person. */
  /**
   * Each metric's newest reading as of `nowMs`: rows dated further ahead than a reading may be, or
   * before readings can be (stored before they were refused), are passed over, never shown as latest.
   */
  latest(personId: string, nowMs: number): Promise<LatestReading[]>
  /**
   * Rolls raw readings older than the raw period up into hourly buckets and removes them, and
   * removes rollups older than theirs. Series over old time answer from the rollups.
   */
  applyRetention(nowMs: number, policy: RetentionPolicy): Promise<RetentionResult>
  close(): Promise<void>
}
