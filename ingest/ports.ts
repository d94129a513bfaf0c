import type { DeviceId, DeviceStatus, MetricName } from '../contract/index.js'

export interface IngestReading {
  personId: string
  deviceId: string
  metric: MetricName
  value: number
  atMs: number
  receivedAtMs: number
}

/** Where accepted readings go (the readings store). Rejects when it cannot write. */
export interface ReadingsSink {
  writeBatch(readings: readonly IngestReading[]): Promise<void>
}

/** What ingest needs to know and keep about devices. */
export interface DeviceDirectory {
  personOf(deviceId: DeviceId): string | undefined
  /** Status check-ins in arrival order; written together. */
  recordStatuses(statuses: ReadonlyArray<{ deviceId: DeviceId; status: DeviceStatus; atMs: number }>): void
  recordSeen(seenAt: ReadonlyMap<string, number>): void
}
