import type { IPublishPacket, MqttClient } from 'mqtt'
import type { DeviceId, DeviceStatus, MetricName } from '../contract/index.js'

/** Opens ingest's MQTT connection with its own credentials, the handler attached from the first byte. */
export type MqttConnector = (onMessage: (topic: string, payload: Buffer, packet: IPublishPacket) => void) => Promise<MqttClient>

export interface IngestReading {
  personId: string
  deviceId: string
  metric: MetricName
  value: number
  atMs: number
  receivedAtMs: number
}

/**
 * Where accepted readings go (the readings store). Rejects when it cannot write. `logPosition`
 * is how far into the readings log the batch takes the store; it is kept with the batch.
 */
export interface ReadingsSink {
  writeBatch(readings: readonly IngestReading[], logPosition?: number): Promise<void>
  /** The position the last batch recorded; undefined when none has. */
  logPosition(): Promise<number | undefined>
}

/** One readings message as the broker logged it before acknowledging it. */
interface LoggedReadings {
  deviceId: string
  receivedAtMs: number
  payload: Buffer
}

/** The readings log as ingest reads it (stores/readings-log-reader.ts). */
export interface ReadingsLogSource {
  /** Where the oldest record still kept begins. */
  start(): number
  /** Where the log's files end now (a record may still be being written there). */
  end(): number
  /** Whole records from `from` up to `to`, about `maxBytes` of them, and where to read on. */
  read(from: number, to: number, maxBytes?: number): { records: LoggedReadings[]; next: number }
  /** Lets go of what lies wholly before `position` (the store has it). */
  release(position: number): number
}

/** What ingest needs to know and keep about devices. */
export interface DeviceDirectory {
  personOf(deviceId: DeviceId): string | undefined
  /** Status check-ins in arrival order; written together. */
  recordStatuses(statuses: ReadonlyArray<{ deviceId: DeviceId; status: DeviceStatus; atMs: number }>): void
  recordSeen(seenAt: ReadonlyMap<string, number>): void
}
