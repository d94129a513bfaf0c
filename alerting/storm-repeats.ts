import type { DeviceEvent } from '../contract/index.js'
import * as lifecycle from './alert-lifecycle.js'
import { commit, type EventEffect } from './apply-device-event.js'
import { EVENT_ALERT_PRIORITY, summariseEvent } from './event-alert-rules.js'
import type { EventStormsDeps } from './event-storms.js'
import type { AlertStore } from './ports.js'
import { count, idRange, type Repeats, type Storm } from './storm-state.js'

/** Repeats folded into the person's open alert of their kind, or, if it was closed meanwhile, a new one. */
function applyRepeats(alerts: AlertStore, storm: Storm, personId: string, kind: string, repeats: Repeats): EventEffect {
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
  const open = alerts.findOpen(personId, kind)
  if (open) return commit(alerts, lifecycle.fold(open, trigger))
  const fresh = lifecycle.raise(trigger)
  const alert = alerts.insert(fresh.alert)
  alerts.addHistory(alert.id, fresh.entry)
  return { kind: 'raised', alert }
}

/**
 * The storm's folded repeats written in aggregate, in one transaction for the device: for each kind
 * it repeated, one journal entry (`<first id>~<n>-repeats-<ms>`) and one alert change
 * (`occurrences` + n). Each repeat's in-flight slot is released whether or not the write succeeds;
 * each change is then announced, noted for the device's next answer and passed to the rules.
 */
export function writeRepeats(deps: Pick<EventStormsDeps, 'logger' | 'alerts' | 'inbox' | 'announce' | 'onEvent'>, storm: Storm, nowMs: number): void {
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
        return { kind, repeats, effect: applyRepeats(deps.alerts, storm, personId, kind, repeats) }
      }),
    )
  } catch (error) {
    const lost = batch.reduce((n, [, r]) => n + r.count, 0)
    deps.logger.error({ err: error, deviceId: storm.deviceId, lost }, 'folded repeats could not be written; their alert keeps what it had')
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
      deps.logger.error({ err: error, deviceId: storm.deviceId }, 'rules failed on folded repeats')
    }
  }
}
