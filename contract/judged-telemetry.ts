import type { DeviceId } from './ids.js'
import type { Reading } from './senml.js'
import type { DeviceStatus } from './status.js'

/**
 * Telemetry ingest has already checked, passed on to the rules as it was received: the readings
 * of a pack that were accepted (with the person ingest attributed them to), or a valid status
 * check-in (never a retained one replayed).
 */
export type JudgedTelemetry =
  | { kind: 'readings'; deviceId: DeviceId; personId: string; readings: Reading[]; receivedAtMs: number }
  | { kind: 'status'; deviceId: DeviceId; status: DeviceStatus; receivedAtMs: number }
