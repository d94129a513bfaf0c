import type { Logger } from 'pino'
import { Counter, type Registry } from 'prom-client'
import type { Alert, Clock, DeviceErrorMessage, DeviceEvent, DeviceId, EventVerdict } from '../contract/index.js'
import * as lifecycle from './alert-lifecycle.js'
import { commit, type EventEffect } from './apply-device-event.js'
import { describeDuration } from './describe-duration.js'
import { CANCELS, EVENT_ALERT_PRIORITY, summariseEvent } from './event-alert-rules.js'
import type { AbsenceCalendar, AlertStore, DeviceOwners, EventInbox } from './ports.js'
import { silencedByAbsence } from './rules/planned-absence.js'
import { foldKeyOf } from './rules/rule-finding.js'

/** The technical alert for a device sending events beyond its limits (one per device, like `device.offline`). */
export const EVENT_FLOOD_KIND = 'device.event-flood'

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

export const DEFAULT_EVENT_STORMS: EventStormsConfig = { writeIntervalMs: 1000, quietMs: 10 * 60_000, updateEveryMs: 60_000, logEveryMs: 10_000 }

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

/** Repeats of one kind from one device, counted since the last write. */
interface Repeats {
  count: number
  firstId: string
  lastId: string
  firstAtMs: number
  lastAtMs: number
  /** The latest, for the alert's summary (a fall's confidence). */
  event: DeviceEvent
  /** Releases each repeat's in-flight slot once written. */
  written: Array<() => void>
}

interface Refusals {
  count: number
  firstId: string | undefined
  lastId: string | undefined
}

interface Tally {
  folded: number
  refused: number
  kept: number
}

/** A device over its limits, from its first limited event until it has been quiet for `quietMs`. */
interface Storm {
  deviceId: DeviceId
  personId: string | undefined
  startedAtMs: number
  lastLimitedAtMs: number
  /** Kinds with an open alert for the person, as last seen (dropped when such an alert is resolved). */
  open: Set<string>
  repeats: Map<string, Repeats>
  refused: Map<string, Refusals>
  /** Folded repeats written since the last answer to the device, by kind, with the alert they went to. */
  foldedAnswers: Map<string, { count: number; alertId: string; firstId: string; lastId: string }>
  sinceSummary: Tally
  total: Tally
  /** The technical alert was raised (or found open after a restart) in this storm. */
  alerted: boolean
  alertUpdatedAtMs: number
  summarisedAtMs: number
}

const INVALID = '(invalid)'
const count = (n: number): string => n.toLocaleString('en-GB')
const idRange = (first: string | undefined, last: string | undefined): string =>
  first === undefined ? '' : first === last ? ` (${first})` : ` (${first} to ${last ?? first})`

/**
 * Alerting's side of a device's event limits (broker/event-limits.ts): what to do with an event
 * beyond them, decided at once and without a disk write; the aggregate written about once a
 * second, in one transaction per device; the device told on its errors topic; and one technical
 * alert (`device.event-flood`) for the faulty device, which Hearth closes once the device has kept
 * within its limits for `quietMs`.
 */
/** A storm begun at `startedAtMs`, last limited at `nowMs`; `alerted` when its technical alert is already open. */
function newStorm(deviceId: DeviceId, personId: string | undefined, startedAtMs: number, nowMs: number, alerted: boolean): Storm {
  return {
    deviceId,
    personId,
    startedAtMs,
    lastLimitedAtMs: nowMs,
    open: new Set(),
    repeats: new Map(),
    refused: new Map(),
    foldedAnswers: new Map(),
    sinceSummary: { folded: 0, refused: 0, kept: 0 },
    total: { folded: 0, refused: 0, kept: 0 },
    alerted,
    alertUpdatedAtMs: nowMs,
    summarisedAtMs: nowMs,
  }
}

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

  /** Repeats folded into the person's open alert of their kind, or, if it was closed meanwhile, a new one. */
  const applyRepeats = (storm: Storm, personId: string, kind: string, repeats: Repeats): EventEffect => {
    const priority = EVENT_ALERT_PRIORITY[repeats.event.type]
    if (!priority) return { kind: 'none' }
    const trigger: lifecycle.Trigger = {
      personId,
      deviceId: storm.deviceId,
      kind,
      priority,
      atMs: repeats.lastAtMs,
      summary: summariseEvent(repeats.event),
      detail: `${count(repeats.count)} repeats from ${storm.deviceId} over its event limits, folded${idRange(repeats.firstId, repeats.lastId)}`,
      repeats: repeats.count,
    }
    const open = deps.alerts.findOpen(personId, kind)
    if (open) return commit(deps.alerts, lifecycle.fold(open, trigger))
    const fresh = lifecycle.raise(trigger)
    const alert = deps.alerts.insert(fresh.alert)
    deps.alerts.addHistory(alert.id, fresh.entry)
    return { kind: 'raised', alert }
  }

  /** One transaction for the device: an aggregate journal entry and one alert change per kind. */
  const writeRepeats = (storm: Storm, nowMs: number): void => {
    const batch = [...storm.repeats]
    storm.repeats = new Map()
    const personId = storm.personId
    if (batch.length === 0 || personId === undefined) return
    let effects: Array<{ kind: string; repeats: Repeats; effect: EventEffect }> = []
    try {
      effects = deps.alerts.transaction(() =>
        batch.map(([kind, repeats]) => {
          const aggregate: DeviceEvent = {
            id: `${repeats.firstId}~${repeats.count}-repeats-${repeats.lastAtMs}`,
            type: repeats.event.type,
            data: { repeats: repeats.count, firstId: repeats.firstId, lastId: repeats.lastId, from: new Date(repeats.firstAtMs).toISOString() },
          }
          deps.inbox.record(storm.deviceId, aggregate, repeats.lastAtMs)
          deps.inbox.markProcessed(storm.deviceId, aggregate.id, nowMs)
          return { kind, repeats, effect: applyRepeats(storm, personId, kind, repeats) }
        }),
      )
    } catch (error) {
      const lost = batch.reduce((n, [, r]) => n + r.count, 0)
      log.error({ err: error, deviceId: storm.deviceId, lost }, 'folded repeats could not be written; their alert keeps what it had')
    } finally {
      for (const [, repeats] of batch) for (const release of repeats.written) release()
    }
    for (const { kind, repeats, effect } of effects) {
      if (effect.kind === 'none') continue
      storm.open.add(kind)
      const answered = storm.foldedAnswers.get(kind)
      storm.foldedAnswers.set(kind, {
        count: (answered?.count ?? 0) + repeats.count,
        alertId: effect.alert.id,
        firstId: answered?.firstId ?? repeats.firstId,
        lastId: repeats.lastId,
      })
      deps.announce(effect.alert, effect.kind)
      try {
        deps.onEvent(personId, storm.deviceId, repeats.event, repeats.lastAtMs)
      } catch (error) {
        log.error({ err: error, deviceId: storm.deviceId }, 'rules failed on folded repeats')
      }
    }
  }

  /** One message on the device's errors topic for everything limited since the last. */
  const answer = (storm: Storm): void => {
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

  const floodSummary = (storm: Storm, nowMs: number): string => {
    const { folded, refused, kept } = storm.total
    const over = folded + refused + kept
    return (
      `${storm.deviceId} is sending events faster than its limits: ${count(over)} over them in ${describeDuration(Math.max(nowMs - storm.startedAtMs, 1000))} ` +
      `(${count(folded)} folded into its open alert, ${count(refused)} refused); the device may be faulty`
    )
  }

  /** The faulty device's technical alert: raised once per storm, brought up to date while it lasts. */
  const floodAlert = (storm: Storm, nowMs: number): void => {
    const personId = storm.personId
    if (personId === undefined) return
    const due = !storm.alerted || nowMs - storm.alertUpdatedAtMs >= config.updateEveryMs
    if (!due || storm.total.folded + storm.total.refused + storm.total.kept === 0) return
    const finding = { kind: EVENT_FLOOD_KIND, deviceId: storm.deviceId, perDevice: true }
    const trigger: lifecycle.Trigger = {
      personId,
      deviceId: storm.deviceId,
      kind: EVENT_FLOOD_KIND,
      priority: 'technical',
      atMs: nowMs,
      summary: floodSummary(storm, nowMs),
      foldKey: foldKeyOf(finding),
    }
    const first = !storm.alerted
    storm.alerted = true
    storm.alertUpdatedAtMs = nowMs
    try {
      const effect = deps.alerts.transaction((): EventEffect => {
        const open = deps.alerts.findOpen(personId, foldKeyOf(finding))
        // Taken in hand by a responder (resolved) while the storm lasts: not raised again until the next one.
        if (!open && !first) return { kind: 'none' }
        if (open) return commit(deps.alerts, lifecycle.fold(open, trigger))
        const fresh = lifecycle.raise(trigger)
        const alert = deps.alerts.insert(fresh.alert)
        deps.alerts.addHistory(alert.id, fresh.entry)
        return { kind: 'raised', alert }
      })
      if (effect.kind === 'none') return
      log.info({ alertId: effect.alert.id, kind: EVENT_FLOOD_KIND, deviceId: storm.deviceId }, `alert ${effect.kind} by device event limits`)
      deps.announce(effect.alert, effect.kind)
    } catch (error) {
      log.error({ err: error, deviceId: storm.deviceId }, 'event flood alert failed; will retry')
      storm.alerted = !first
    }
  }

  /** Quiet for long enough: the storm is over and its technical alert, if still open, closes itself. */
  const end = (storm: Storm, nowMs: number): void => {
    storms.delete(storm.deviceId)
    const { folded, refused, kept } = storm.total
    const note = `${storm.deviceId} within its event limits again after ${describeDuration(storm.lastLimitedAtMs - storm.startedAtMs)} over them; ${count(folded + refused + kept)} events over its limits in all`
    log.info({ deviceId: storm.deviceId, folded, refused, kept }, `device ${storm.deviceId} back within its event limits`)
    const personId = storm.personId
    if (personId === undefined || !storm.alerted) return
    try {
      const effect = deps.alerts.transaction(() => {
        const open = deps.alerts.findOpen(personId, foldKeyOf({ kind: EVENT_FLOOD_KIND, deviceId: storm.deviceId, perDevice: true }))
        return open ? commit(deps.alerts, lifecycle.resolveBySystem(open, nowMs, note)) : ({ kind: 'none' } as const)
      })
      if (effect.kind !== 'none') deps.announce(effect.alert, effect.kind)
    } catch (error) {
      log.error({ err: error, deviceId: storm.deviceId }, 'event flood alert could not be closed')
    }
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
        writeRepeats(storm, nowMs)
        answer(storm)
        floodAlert(storm, nowMs)
        summarise(storm, nowMs)
        if (nowMs - storm.lastLimitedAtMs >= config.quietMs) end(storm, nowMs)
      }
    },

    /** A resolved alert is no longer there to fold into: the next event of its kind is new again. */
    alertChanged(alert: Alert): void {
      if (alert.status !== 'resolved') return
      for (const storm of storms.values()) if (storm.personId === alert.personId) storm.open.delete(alert.kind)
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


