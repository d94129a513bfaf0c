import type { Logger } from 'pino'
import type { DeviceErrorMessage } from '../contract/device-errors.js'
import type { DeviceId } from '../contract/ids.js'
import type { JudgedTelemetry } from '../contract/judged-telemetry.js'
import { parseDeviceStatus, type DeviceStatus } from '../contract/status.js'
import type { IngestMetrics } from './ingest-metrics.js'
import type { DeviceDirectory } from './ports.js'

/**
 * Devices' check-ins: their status messages (online state, battery, signal, firmware) and when
 * each was last seen (any message, readings too). Both are gathered and written together with
 * the next batch of readings (`write`): a fleet reconnecting at once sends thousands.
 */
export function createDeviceCheckins(deps: {
  logger: Logger
  devices: Pick<DeviceDirectory, 'recordStatuses' | 'recordSeen'>
  metrics: Pick<IngestMetrics, 'statusRefused'>
  /** Answers a device on its `errors` topic. */
  tell: (deviceId: DeviceId, message: DeviceErrorMessage) => void
  forward?: (item: JudgedTelemetry) => void
}) {
  const log = deps.logger
  let seen = new Map<string, number>()
  let statuses: Array<{ deviceId: DeviceId; status: DeviceStatus; atMs: number }> = []

  return {
    /** The device sent something received at `atMs`. */
    seen: (deviceId: DeviceId, atMs: number): void => {
      seen.set(deviceId, Math.max(atMs, seen.get(deviceId) ?? 0))
    },
    /** Checks one status message: kept and passed on to the rules, or refused and the device told why. */
    status(deviceId: DeviceId, payload: Buffer, receivedAtMs: number): void {
      const verdict = parseDeviceStatus(payload)
      if (!verdict.ok) {
        deps.metrics.statusRefused.inc()
        log.info({ deviceId, problems: verdict.problems }, 'status refused')
        deps.tell(deviceId, {
          topic: 'status',
          receivedAt: new Date(receivedAtMs).toISOString(),
          refused: verdict.problems.map((p) => ({ code: 'invalid', message: `${p.field}: ${p.message}` })),
        })
        return
      }
      // Written with the next batch (every flush interval): a fleet reconnecting at once sends thousands.
      statuses.push({ deviceId, status: verdict.status, atMs: receivedAtMs })
      deps.forward?.({ kind: 'status', deviceId, status: verdict.status, receivedAtMs })
    },
    /** Writes the statuses and last-seen times gathered since the last write. */
    write(): void {
      if (statuses.length > 0) {
        const batch = statuses
        statuses = []
        try {
          deps.devices.recordStatuses(batch)
        } catch (error) {
          log.error({ err: error, statuses: batch.length }, 'could not record device status')
        }
      }
      if (seen.size > 0) {
        const batch = seen
        seen = new Map()
        try {
          deps.devices.recordSeen(batch)
        } catch (error) {
          log.error({ err: error }, 'could not record device last-seen')
        }
      }
    },
  }
}
