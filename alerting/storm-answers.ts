import type { DeviceErrorMessage } from '../contract/index.js'
import type { EventStormsDeps } from './event-storms.js'
import { INVALID, count, idRange, type Storm } from './storm-state.js'

/**
 * One message on the device's errors topic for everything limited since the last: per kind, the
 * repeats folded into which alert, and per type, the events refused (`rate_limited` each). Nothing
 * is sent when nothing was limited.
 */
export function answerDevice(deps: Pick<EventStormsDeps, 'tell'>, storm: Storm): void {
  const refused: DeviceErrorMessage['refused'] = []
  for (const [kind, folded] of storm.foldedAnswers) {
    refused.push({
      code: 'rate_limited',
      name: kind,
      message: `${count(folded.count)} ${kind} over the device's event limits folded into alert ${folded.alertId} as repeats${idRange(folded.firstId, folded.lastId)}`,
    })
  }
  for (const [type, entry] of storm.refused) {
    const what = `${type === INVALID ? 'invalid' : type} ${entry.count === 1 ? 'event' : 'events'}`
    refused.push({ code: 'rate_limited', name: type, message: `${count(entry.count)} ${what} over the device's event limits refused, not recorded${idRange(entry.firstId, entry.lastId)}` })
  }
  storm.foldedAnswers.clear()
  storm.refused.clear()
  if (refused.length > 0) deps.tell(storm.deviceId, { topic: 'events', receivedAt: new Date(storm.lastLimitedAtMs).toISOString(), refused })
}
