import * as lifecycle from './alert-lifecycle.js'
import { commit, type EventEffect } from './apply-device-event.js'
import { describeDuration } from './describe-duration.js'
import type { EventStormsConfig, EventStormsDeps } from './event-storms.js'
import { foldKeyOf } from './rules/rule-finding.js'
import { count, type Storm } from './storm-state.js'

/** The technical alert for a device sending events beyond its limits (one per device, like `device.offline`). */
export const EVENT_FLOOD_KIND = 'device.event-flood'

/** The fold key of the device's flood alert: one open per device. */
const floodKey = (storm: Storm): string => foldKeyOf({ kind: EVENT_FLOOD_KIND, deviceId: storm.deviceId, perDevice: true })

/** What the responder reads: how many events over the limits, in how long, and what was done with them. */
function floodSummary(storm: Storm, nowMs: number): string {
  const { folded, refused, kept } = storm.total
  const over = folded + refused + kept
  return (
    `${storm.deviceId} is sending events faster than its limits: ${count(over)} over them in ${describeDuration(Math.max(nowMs - storm.startedAtMs, 1000))} ` +
    `(${count(folded)} folded into its open alert, ${count(refused)} refused); the device may be faulty`
  )
}

/**
 * The faulty device's technical alert: raised once per storm, brought up to date every
 * `updateEveryMs` while it lasts. One a responder resolved during the storm is not raised again
 * until the next; one that fails is tried again on the next write.
 */
export function updateFloodAlert(deps: Pick<EventStormsDeps, 'logger' | 'alerts' | 'announce'>, config: Pick<EventStormsConfig, 'updateEveryMs'>, storm: Storm, nowMs: number): void {
  const personId = storm.personId
  if (personId === undefined) return
  const due = !storm.alerted || nowMs - storm.alertUpdatedAtMs >= config.updateEveryMs
  if (!due || storm.total.folded + storm.total.refused + storm.total.kept === 0) return
  const trigger: lifecycle.Trigger = {
    personId,
    deviceId: storm.deviceId,
    kind: EVENT_FLOOD_KIND,
    priority: 'technical',
    atMs: nowMs,
    summary: floodSummary(storm, nowMs),
    foldKey: floodKey(storm),
  }
  const first = !storm.alerted
  storm.alerted = true
  storm.alertUpdatedAtMs = nowMs
  try {
    const effect = deps.alerts.transaction((): EventEffect => {
      const open = deps.alerts.findOpen(personId, floodKey(storm))
      // Taken in hand by a responder (resolved) while the storm lasts: not raised again until the next one.
      if (!open && !first) return { kind: 'none' }
      if (open) return commit(deps.alerts, lifecycle.fold(open, trigger))
      const fresh = lifecycle.raise(trigger)
      const alert = deps.alerts.insert(fresh.alert)
      deps.alerts.addHistory(alert.id, fresh.entry)
      return { kind: 'raised', alert }
    })
    if (effect.kind === 'none') return
    deps.logger.info({ alertId: effect.alert.id, kind: EVENT_FLOOD_KIND, deviceId: storm.deviceId }, `alert ${effect.kind} by device event limits`)
    deps.announce(effect.alert, effect.kind)
  } catch (error) {
    deps.logger.error({ err: error, deviceId: storm.deviceId }, 'event flood alert failed; will retry')
    storm.alerted = !first
  }
}

/** The storm is over: its technical alert, if raised and still open, is closed by Hearth (outcome `technical`). */
export function closeFloodAlert(deps: Pick<EventStormsDeps, 'logger' | 'alerts' | 'announce'>, storm: Storm, nowMs: number): void {
  const personId = storm.personId
  if (personId === undefined || !storm.alerted) return
  const { folded, refused, kept } = storm.total
  const note = `${storm.deviceId} within its event limits again after ${describeDuration(storm.lastLimitedAtMs - storm.startedAtMs)} over them; ${count(folded + refused + kept)} events over its limits in all`
  try {
    const effect = deps.alerts.transaction(() => {
      const open = deps.alerts.findOpen(personId, floodKey(storm))
      return open ? commit(deps.alerts, lifecycle.resolveBySystem(open, nowMs, note)) : ({ kind: 'none' } as const)
    })
    if (effect.kind !== 'none') deps.announce(effect.alert, effect.kind)
  } catch (error) {
    deps.logger.error({ err: error, deviceId: storm.deviceId }, 'event flood alert could not be closed')
  }
}
