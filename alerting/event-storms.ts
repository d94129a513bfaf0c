import type { Logger } from 'pino'
import { Counter, type Registry } from 'prom-client'
import { DEVICE_EVENT_LIMITS, type Alert, type Clock, type DeviceErrorMessage, type DeviceEvent, type DeviceId, type EventVerdict } from '../contract/index.js'
import { CANCELS, EVENT_ALERT_PRIORITY } from './event-alert-rules.js'
import { EVENT_FLOOD_KIND, closeFloodAlert, updateFloodAlert } from './flood-alert.js'
import type { AbsenceCalendar, AlertStore, DeviceOwners, EventInbox } from './ports.js'
import { silencedByAbsence } from './rules/planned-absence.js'
import { answerDevice } from './storm-answers.js'
import { writeRepeats } from './storm-repeats.js'
import { INVALID, newStorm, type Storm, type Tally } from './storm-state.js'

export interface EventStormsConfig {
  /** How often folded repeats are written in aggregate, and refusals answered. */
  writeIntervalMs: number
  /** A device this long within its limits is no longer flooding: Hearth closes its technical alert. */
  quietMs: number
  /** While a flood lasts, its technical alert is brought up to date this often. */
  updateEveryMs: number
  /** While a flood lasts, one log line says this often how many events were folded, refused and kept. */
  logEveryMs: number
}

export const DEFAULT_EVENT_STORMS: EventStormsConfig = { writeIntervalMs: 1000, quietMs: DEVICE_EVENT_LIMITS.quietSeconds * 1000, updateEveryMs: 60_000, logEveryMs: 10_000 }

export interface EventStormsDeps {
  logger: Logger
  metrics: Registry
  clock: Clock
  alerts: AlertStore
  inbox: EventInbox
  devices: DeviceOwners
  absences: AbsenceCalendar
  /** Publishes on the device's errors topic. */
  tell(deviceId: string, message: DeviceErrorMessage): void
  /** An alert changed, once committed. */
  announce(alert: Alert, change: 'raised' | 'changed'): void
  /** Each aggregate as one event for the rules (the device was heard from; activity at home). */
  onEvent(personId: string, deviceId: string, event: DeviceEvent, atMs: number): void
}

/**
 * Alerting's side of a device's event limits (broker/event-limits.ts): what to do with an event
 * beyond them, decided at once and without a disk write; the aggregate written about once a
 * second, in one transaction per device (storm-repeats.ts); the device told on its errors topic
 * (storm-answers.ts); and one technical alert (`device.event-flood`, flood-alert.ts) for the faulty
 * device, which Hearth closes once the device has kept within its limits for `quietMs`.
 */
export function createEventStorms(config: EventStormsConfig, deps: EventStormsDeps) {
  const log = deps.logger
  const storms = new Map<string, Storm>()
  const limited = new Counter({
    name: 'hearth_device_events_limited_total',
    help: 'Device events beyond their device limits, by what was done (folded into the open alert, refused, kept as new) and which limit',
    labelNames: ['action', 'over'],
    registers: [deps.metrics],
  })

  const stormOf = (deviceId: DeviceId, atMs: number, over: string): Storm => {
    let storm = storms.get(deviceId)
    if (storm) return storm
    storm = newStorm(deviceId, deps.devices.personOf(deviceId), atMs, atMs, false)
    storms.set(deviceId, storm)
    log.warn({ deviceId, over }, `device ${deviceId} is over its event limits: repeats of an open alert are folded into it, other events refused`)
    return storm
  }

  const tally = (storm: Storm, action: keyof Tally, over: 'rate' | 'in-flight'): void => {
    storm.sinceSummary[action] += 1
    storm.total[action] += 1
    limited.inc({ action, over: over === 'rate' ? 'rate' : 'in_flight' })
  }

  const refuse = (storm: Storm, type: string, id: string | undefined, over: 'rate' | 'in-flight'): 'refused' => {
    const entry = storm.refused.get(type) ?? { count: 0, firstId: id, lastId: id }
    entry.count += 1
    entry.lastId = id
    storm.refused.set(type, entry)
    tally(storm, 'refused', over)
    return 'refused'
  }

  /** Whether the person has an open alert of this kind (or repeats of it already waiting to be written). */
  const isOpen = (storm: Storm, personId: string, kind: string): boolean => {
    if (storm.repeats.has(kind) || storm.open.has(kind)) return true
    if (!deps.alerts.findOpen(personId, kind)) return false
    storm.open.add(kind)
    return true
  }

  /** Quiet for long enough: the storm is over and its technical alert, if still open, closes itself. */
  const end = (storm: Storm, nowMs: number): void => {
    storms.delete(storm.deviceId)
    const { folded, refused, kept } = storm.total
    log.info({ deviceId: storm.deviceId, folded, refused, kept }, `device ${storm.deviceId} back within its event limits`)
    closeFloodAlert(deps, storm, nowMs)
  }

  const summarise = (storm: Storm, nowMs: number): void => {
    if (nowMs - storm.summarisedAtMs < config.logEveryMs) return
    const { folded, refused, kept } = storm.sinceSummary
    storm.summarisedAtMs = nowMs
    if (folded + refused + kept === 0) return
    storm.sinceSummary = { folded: 0, refused: 0, kept: 0 }
    log.warn({ deviceId: storm.deviceId, folded, refused, kept }, `device ${storm.deviceId} still over its event limits`)
  }

  return {
    /** See `EventStorms` in broker/event-limits.ts. */
    limited(deviceId: DeviceId, verdict: EventVerdict, receivedAtMs: number, over: 'rate' | 'in-flight', written: () => void): 'process' | 'folded' | 'refused' {
      const storm = stormOf(deviceId, receivedAtMs, over)
      storm.lastLimitedAtMs = Math.max(storm.lastLimitedAtMs, receivedAtMs)
      if (!verdict.ok) return refuse(storm, INVALID, undefined, over)
      const { event } = verdict
      const personId = storm.personId
      if (personId === undefined) return refuse(storm, event.type, event.id, over)
      if (EVENT_ALERT_PRIORITY[event.type]) {
        if (isOpen(storm, personId, event.type)) {
          // Beyond the in-flight limit even a repeat is refused: the aggregate owes at most that many.
          if (over === 'in-flight') return refuse(storm, event.type, event.id, over)
          const repeats = storm.repeats.get(event.type)
          if (repeats) {
            repeats.count += 1
            repeats.lastId = event.id
            repeats.lastAtMs = receivedAtMs
            repeats.event = event
            repeats.written.push(written)
          } else {
            storm.repeats.set(event.type, { count: 1, firstId: event.id, lastId: event.id, firstAtMs: receivedAtMs, lastAtMs: receivedAtMs, event, written: [written] })
          }
          tally(storm, 'folded', over)
          return 'folded'
        }
        // The first of its kind: never lost, journalled before PUBACK and raised as usual.
        if (!(silencedByAbsence(event.type) && deps.absences.activeAt(personId, receivedAtMs))) {
          tally(storm, 'kept', over)
          return 'process'
        }
        return refuse(storm, event.type, event.id, over)
      }
      const cancels = CANCELS[event.type]
      const press = cancels ? deps.alerts.findOpen(personId, cancels) : undefined
      if (press && press.cancelledAt === null) {
        tally(storm, 'kept', over)
        return 'process'
      }
      return refuse(storm, event.type, event.id, over)
    },

    /** The periodic write: repeats in aggregate, answers to devices, technical alerts, and the end of quiet storms. */
    write(): void {
      const nowMs = deps.clock.now()
      for (const storm of [...storms.values()]) {
        writeRepeats(deps, storm, nowMs)
        answerDevice(deps, storm)
        updateFloodAlert(deps, config, storm, nowMs)
        summarise(storm, nowMs)
        if (nowMs - storm.lastLimitedAtMs >= config.quietMs) end(storm, nowMs)
      }
    },

    /** A resolved alert is no longer there to fold into: the next event of its kind is new again. */
    alertChanged(alert: Alert): void {
      if (alert.status !== 'resolved') return
      for (const storm of storms.values()) if (storm.personId === alert.personId) storm.open.delete(alert.kind)
    },

    /**
     * The device moved to another person: repeats folded so far go to the former person's alert,
     * and what it sends beyond its limits from now on meets the new person's open alerts. A flood
     * alert already raised stays with the person it was raised for; the new person gets their own
     * if the flood goes on.
     */
    deviceMoved(deviceId: DeviceId): void {
      const storm = storms.get(deviceId)
      if (!storm) return
      writeRepeats(deps, storm, deps.clock.now())
      storm.personId = deps.devices.personOf(deviceId)
      storm.open.clear()
      storm.alerted = false
    },

    /** After a restart: a device whose flood alert is still open is watched until it has been quiet for `quietMs`. */
    restore(open: readonly Alert[]): void {
      const nowMs = deps.clock.now()
      for (const alert of open) {
        if (alert.kind !== EVENT_FLOOD_KIND || storms.has(alert.deviceId)) continue
        const raisedAtMs = Date.parse(alert.raisedAt)
        storms.set(alert.deviceId, newStorm(alert.deviceId as DeviceId, alert.personId, raisedAtMs, nowMs, true))
      }
    },

    /** Devices over their limits now (or not yet quiet for long enough). */
    flooding: (): string[] => [...storms.keys()],
  }
}
