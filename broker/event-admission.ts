import type { Logger } from 'pino'
import { parseDeviceEvent, type DeviceId, type EventVerdict, type TakenEvent } from '../contract/index.js'
import type { EventGate } from './event-limits.js'
import type { EventJournal, EventSink } from './ports.js'

/** Why an event was not admitted: the device is not told it was delivered, and sends it again. */
export type EventRefusal = 'journal_failed'

/**
 * Takes a device's event (PROTOCOL §1, QoS 1) before the broker acknowledges it: `done` is called
 * once it is durable, or folded or refused within the device's limits (no refusal then: the device
 * is told on its errors topic), or with a refusal when it could not be kept. The broker sends the
 * PUBACK only then. In the broker's thread it is a message to the platform's thread and back.
 */
export type EventAdmission = (deviceId: DeviceId, payload: Buffer, dup: boolean, receivedAtMs: number, done: (refusal?: EventRefusal) => void) => void

/**
 * Admission as the platform's thread does it: parsed once, held to the device's limits, journalled,
 * acknowledged, then handed to alerting in the same turn of the event loop.
 */
export function createEventAdmission(deps: { logger: Logger; journal: EventJournal; eventGate?: EventGate; events?: EventSink }): EventAdmission {
  return (deviceId, payload, dup, receivedAtMs, done) => {
    // Parsed here, once: what follows (limits, journal, alerting) takes the verdict.
    const verdict = parseDeviceEvent(payload)
    // Beyond its limits a device's event is folded into its open alert or refused, and
    // acknowledged at once; one that is new still goes the full way below (event-limits.ts).
    if (deps.eventGate?.limited(deviceId, verdict, { dup }, receivedAtMs)) return done()
    let taken: TakenEvent
    try {
      taken = journalEvent(deps.journal, deviceId, verdict, receivedAtMs)
    } catch (error) {
      // No PUBACK: the device keeps the event and sends it again.
      deps.logger.error({ err: error, deviceId }, 'could not journal device event')
      return done('journal_failed')
    }
    done()
    try {
      deps.events?.(deviceId, taken, receivedAtMs)
    } catch (error) {
      deps.logger.error({ err: error, deviceId }, 'device event not handed on; the journal keeps it')
    }
  }
}

/**
 * PROTOCOL §1 events at QoS 1: the event is on disk before the device is told it was delivered.
 * Invalid events pass on to alerting, which answers the device on its errors topic.
 */
function journalEvent(journal: EventJournal, deviceId: DeviceId, verdict: EventVerdict, receivedAtMs: number): TakenEvent {
  if (!verdict.ok) return verdict
  const { event, outcome } = journal.record(deviceId, verdict.event, receivedAtMs)
  return { ok: true, event, notices: verdict.notices, journal: outcome }
}
