import { Counter } from 'prom-client'
import type { DeviceEvent, DeviceId, TakenEvent } from '../contract/index.js'
import type { EventStormsDeps } from './event-storms.js'
import { applyDeviceEvent } from './apply-device-event.js'
import type { LogSampler } from './log-sampler.js'
import type { EventInbox } from './ports.js'
import { silencedByAbsence } from './rules/planned-absence.js'

/** What the event-limits path needs (event-storms.ts), and the per-device log sampler. */
export interface EventIntakeDeps extends EventStormsDeps {
  sampled: LogSampler
}

/**
 * Device events into alerts: each event the broker parsed and journalled, handed over in-process
 * (`take`), and any the journal holds unprocessed (`sweep`, every second and at start), applied
 * once (PROTOCOL §1).
 */
export function createEventIntake(deps: EventIntakeDeps) {
  const log = deps.logger
  const events = new Counter({ name: 'hearth_device_events_total', help: 'Device events processed, by type', labelNames: ['type'], registers: [deps.metrics] })
  const refused = new Counter({ name: 'hearth_device_events_refused_total', help: 'Device events refused as invalid', registers: [deps.metrics] })
  const duplicates = new Counter({ name: 'hearth_device_events_duplicate_total', help: 'Redelivered events ignored', registers: [deps.metrics] })
  const idReused = new Counter({ name: 'hearth_device_events_id_reused_total', help: 'Events whose id the device had used before for another event', registers: [deps.metrics] })
  const sweepFailures = new Counter({ name: 'hearth_device_events_failed_total', help: 'Journalled events that failed to process (retried)', registers: [deps.metrics] })

  const tellDevice = (deviceId: DeviceId, receivedAtMs: number, items: Array<{ code: 'invalid' | 'notice'; message: string }>): void => {
    deps.tell(deviceId, { topic: 'events', receivedAt: new Date(receivedAtMs).toISOString(), refused: items })
  }

  /**
   * Applies a journalled event once, also across restarts: the journal marks it processed in the
   * same transaction, and one already processed (the sweep and the hand-off racing, or a retry)
   * is left alone.
   */
  const process = (deviceId: DeviceId, event: DeviceEvent, receivedAtMs: number): void => {
    let personId: string | undefined
    const effect = deps.alerts.transaction(() => {
      if (deps.inbox.recorded(deviceId, event.id)?.processed) return 'duplicate' as const
      deps.devices.recordSeen(new Map([[deviceId, receivedAtMs]]))
      personId = deps.devices.personOf(deviceId)
      const owner = personId
      // PROTOCOL §1 extension: a planned absence silences medication reminders, never a call for help.
      const silenced = (kind: string): boolean => owner !== undefined && silencedByAbsence(kind) && deps.absences.activeAt(owner, receivedAtMs) !== undefined
      const result = owner === undefined ? undefined : applyDeviceEvent(deps.alerts, owner, deviceId, event, receivedAtMs, silenced)
      deps.inbox.markProcessed(deviceId, event.id, deps.clock.now())
      return result
    })
    if (effect === 'duplicate') {
      duplicates.inc()
      return
    }
    events.inc({ type: event.type })
    if (effect === undefined) {
      deps.sampled.line(deviceId, 'warn', { eventId: event.id }, 'event from a device with no person')
    } else if (effect.kind !== 'none') {
      const { alert } = effect
      const fields = { alertId: alert.id, kind: alert.kind, status: alert.status, occurrences: alert.occurrences }
      if (effect.kind === 'raised') log.info({ deviceId, ...fields }, 'alert raised by device event')
      // A repeat: sampled per device, so that a flooding device costs a bounded number of lines.
      else deps.sampled.line(deviceId, 'info', fields, 'alert changed by device event')
      deps.announce(alert, effect.kind === 'raised' ? 'raised' : 'changed')
    }
    if (personId !== undefined) deps.onEvent(personId, deviceId, event, receivedAtMs)
  }

  return {
    /** One event as the broker took it: an invalid one answered, a redelivery counted, a new one applied. */
    take(deviceId: DeviceId, taken: TakenEvent, receivedAtMs: number): void {
      if (!taken.ok) {
        refused.inc()
        deps.sampled.line(deviceId, 'info', { problems: taken.problems }, 'event refused')
        tellDevice(deviceId, receivedAtMs, taken.problems.map((p) => ({ code: 'invalid' as const, message: `${p.field}: ${p.message}` })))
        return
      }
      if (taken.notices.length > 0) tellDevice(deviceId, receivedAtMs, taken.notices.map((message) => ({ code: 'notice' as const, message })))
      if (taken.journal === 'redelivery') {
        duplicates.inc()
        return
      }
      if (taken.journal === 'id-reused') {
        idReused.inc()
        deps.sampled.line(deviceId, 'warn', { eventId: taken.event.id }, 'device reused an event id; processed as a new event')
        tellDevice(deviceId, receivedAtMs, [{ code: 'notice', message: `event id reused; processed as ${taken.event.id}` }])
      }
      try {
        process(deviceId, taken.event, receivedAtMs)
      } catch (error) {
        // Still in the journal: the sweep retries it.
        log.error({ err: error, deviceId, eventId: taken.event.id }, 'event processing failed')
      }
    },
    /** The journal's unprocessed events, each on its own: one that keeps failing must not hold up those behind it. */
    sweep(): void {
      let entries: ReturnType<EventInbox['pending']> = []
      try {
        entries = deps.inbox.pending(500)
      } catch (error) {
        log.error({ err: error }, 'event journal sweep failed')
      }
      for (const entry of entries) {
        try {
          process(entry.deviceId, entry.event, entry.receivedAtMs)
        } catch (error) {
          sweepFailures.inc()
          log.error({ err: error, deviceId: entry.deviceId, eventId: entry.event.id }, 'journalled event failed to process; will retry')
        }
      }
    },
  }
}
