import type { Logger } from 'pino'
import type { DeviceErrorMessage } from '../contract/device-errors.js'
import type { DeviceId } from '../contract/ids.js'
import type { JudgedTelemetry } from '../contract/judged-telemetry.js'
import { judgeSenmlPack } from '../contract/senml.js'
import type { IngestMetrics } from './ingest-metrics.js'
import type { DeviceDirectory, IngestReading } from './ports.js'
import { createReadingsClock } from './readings-clock.js'

/**
 * Judges one logged readings message: each SenML record on its own (`contract/senml.ts`). Good
 * records are attributed to the device's person and join `into`, and go on to the rules; refused
 * ones are counted, logged (codes and names only) and reported to the device on its `errors`
 * topic. A record with no time of its own takes the time it was received (`readings-clock.ts`).
 */
export function createReadingsJudge(deps: {
  logger: Logger
  devices: Pick<DeviceDirectory, 'personOf'>
  metrics: Pick<IngestMetrics, 'accepted' | 'refused'>
  /** The device checked in at `atMs` (device-checkins.ts). */
  seen: (deviceId: DeviceId, atMs: number) => void
  /** Answers a device on its `errors` topic. */
  tell: (deviceId: DeviceId, message: DeviceErrorMessage) => void
  forward?: (item: JudgedTelemetry) => void
}): (deviceId: DeviceId, payload: Buffer, receivedAtMs: number, into: IngestReading[]) => void {
  const log = deps.logger
  const readingsNow = createReadingsClock()

  return (deviceId, payload, receivedAtMs, into) => {
    const personId = deps.devices.personOf(deviceId)
    if (personId === undefined) {
      log.warn({ deviceId }, 'readings from a device that is no longer provisioned')
      return
    }
    deps.seen(deviceId, receivedAtMs)
    const verdict = judgeSenmlPack(payload, readingsNow(receivedAtMs))
    for (const r of verdict.readings) into.push({ ...r, personId, deviceId, receivedAtMs })
    deps.forward?.({ kind: 'readings', deviceId, personId, readings: verdict.readings, receivedAtMs })
    deps.metrics.accepted.inc(verdict.readings.length)
    if (verdict.refusals.length > 0) {
      for (const r of verdict.refusals) deps.metrics.refused.inc({ code: r.code })
      // Codes and names only: refusal messages carry the values, which are health data.
      const reasons = verdict.refusals.map((r) => `${r.index}:${r.name ?? ''}:${r.code}`)
      log.info({ deviceId, refused: verdict.refusals.length, accepted: verdict.readings.length, reasons }, 'readings refused')
      deps.tell(deviceId, {
        topic: 'readings',
        receivedAt: new Date(receivedAtMs).toISOString(),
        accepted: verdict.readings.length,
        refused: verdict.refusals,
      })
    }
  }
}
