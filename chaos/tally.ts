import type { Fleet } from './fleet.js'
import type { StoredAlarms, StoredSeries } from './read-back.js'
import type { ResponderAction } from './responder.js'

/**
 * One line of the report. `acknowledged`: the device received PUBACK (readings, alarms), or the
 * platform answered the responder 200 (commands). `refused`: acknowledged, not stored, and the
 * device was told so on its errors topic (a reading out of range, an event over its device's
 * limits: MQTT 3.1.1 has no negative PUBACK). `lost`: acknowledged, not stored, and nobody told.
 * `duplicated`: stored more than once (each such item counted once). `unacknowledged`: never
 * acknowledged by the end, so still the device's (or the responder's) to send: not lost.
 */
export interface Tally {
  attempted: number
  acknowledged: number
  stored: number
  refused: number
  lost: number
  duplicated: number
  unacknowledged: number
}

const empty = (): Tally => ({ attempted: 0, acknowledged: 0, stored: 0, refused: 0, lost: 0, duplicated: 0, unacknowledged: 0 })

export interface Counted {
  tally: Tally
  /** What the numbers need said beside them. */
  notes: string[]
}

/** Readings: each identified by its device and sequence number (its value), checked against the time it was sent with. */
export function countReadings(fleet: Fleet, stored: Map<string, StoredSeries>, store: 'embedded' | 'influxdb'): Counted {
  const tally = empty()
  let wrongTime = 0
  let unknown = 0
  let storedUnacknowledged = 0
  let duplicatedResent = 0
  const lostSamples: string[] = []
  for (const [deviceId, log] of fleet.wearables) {
    const series = stored.get(deviceId) ?? new Map<number, number[]>()
    const sent = log.atMs.length
    tally.attempted += sent
    tally.acknowledged += log.ackedCount
    // Refusals name a record's place in its pack, not the reading: they are matched by number.
    const refused = fleet.refused.get(deviceId)?.readings ?? 0
    let missing = 0
    for (let i = 0; i < sent; i++) {
      const seq = i + 1
      const copies = series.get(seq)
      const acked = log.acked[i] === 1
      const right = copies?.filter((atMs) => atMs === log.atMs[i]).length ?? 0
      if (copies && right < copies.length) wrongTime += copies.length - right
      if (right > 0) {
        tally.stored++
        if (!acked) storedUnacknowledged++
      } else if (acked) {
        missing++
        if (lostSamples.length < 5) lostSamples.push(`${deviceId}#${seq}`)
      }
      if (right > 1) {
        tally.duplicated++
        if (log.resent.has(seq)) duplicatedResent++
      }
    }
    tally.refused += Math.min(refused, missing)
    tally.lost += Math.max(0, missing - refused)
    for (const seq of series.keys()) if (seq < 1 || seq > sent) unknown++
  }
  tally.unacknowledged = tally.attempted - tally.acknowledged
  const notes: string[] = []
  if (tally.lost > 0) notes.push(`readings lost, for example ${lostSamples.join(', ')} (device#sequence)`)
  if (tally.duplicated > 0) {
    notes.push(
      `${tally.duplicated} readings stored twice or more; ${duplicatedResent} of them were in packs sent again (DUP) after a reconnect, so the platform had taken them before the device had their PUBACK`,
    )
  }
  if (storedUnacknowledged > 0) notes.push(`${storedUnacknowledged} readings stored whose PUBACK never reached the device`)
  if (wrongTime > 0) notes.push(`${wrongTime} stored copies of readings carry another time than the one sent`)
  if (unknown > 0) notes.push(`${unknown} stored readings match nothing the devices sent`)
  if (store === 'influxdb') notes.push('InfluxDB keeps one point per series and time, so a reading written twice is stored once: duplicates cannot show')
  return { tally, notes }
}

/**
 * Alarms: each press by its event id. Stored: journalled and processed by alerting (it raised an
 * alert or was counted onto one), or, for repeats over the device's event limits, folded into the
 * open alert and journalled in aggregate (docs/device-event-limits.md). Folded repeats and
 * refusals are recorded as numbers, not ids, so presses not stored one by one are matched against
 * them by number, per device.
 */
export function countAlarms(fleet: Fleet, stored: StoredAlarms): Counted {
  const tally = empty()
  let unprocessed = 0
  let occurrenceExcess = 0
  let occurrenceShort = 0
  let foldedAll = 0
  let overCounted = 0
  for (const [deviceId, presses] of fleet.presses) {
    const events = stored.events.get(deviceId) ?? new Map<string, boolean>()
    const folded = stored.folded.get(deviceId) ?? 0
    const refused = fleet.refused.get(deviceId)?.events ?? 0
    // An event processed again as new is journalled as `<id>~<ms>` (alerting takes it for a device that reused an id).
    const reprocessed = new Set<string>()
    for (const id of events.keys()) if (/~\d+$/.test(id)) reprocessed.add(id.slice(0, id.indexOf('~')))
    let individually = 0
    let ackedNotIndividually = 0
    for (const press of presses) {
      tally.attempted++
      if (press.acked) tally.acknowledged++
      const done = events.get(press.eventId)
      if (done === true) individually++
      else if (press.acked) ackedNotIndividually++
      if (done === false) unprocessed++
      if (reprocessed.has(press.eventId)) tally.duplicated++
    }
    tally.stored += individually + folded
    foldedAll += folded
    tally.refused += Math.min(refused, Math.max(0, ackedNotIndividually - folded))
    tally.lost += Math.max(0, ackedNotIndividually - folded - refused)
    // More presses accounted for than were made: some were counted twice (folded and also journalled, say).
    const excess = Math.max(0, individually + folded + refused - presses.length)
    overCounted += excess
    tally.duplicated += excess
    let processed = 0
    for (const done of events.values()) if (done) processed++
    const occurrences = stored.occurrences.get(deviceId) ?? 0
    if (occurrences > processed + folded) occurrenceExcess += occurrences - processed - folded
    if (occurrences < processed + folded) occurrenceShort += processed + folded - occurrences
  }
  tally.duplicated += occurrenceExcess
  tally.unacknowledged = tally.attempted - tally.acknowledged
  const notes: string[] = []
  if (foldedAll > 0) notes.push(`${foldedAll} presses over their device's event limits were folded into its open alert and journalled in aggregate`)
  if (unprocessed > 0) notes.push(`${unprocessed} presses journalled but not processed by alerting`)
  if (overCounted > 0) notes.push(`${overCounted} more presses journalled, folded or refused than were made (counted as duplicated)`)
  if (occurrenceExcess > 0) notes.push(`alerts count ${occurrenceExcess} more presses than were journalled (counted as duplicated)`)
  if (occurrenceShort > 0) notes.push(`alerts count ${occurrenceShort} fewer presses than were journalled`)
  return { tally, notes }
}

/**
 * Commands: each action the platform confirmed to the responder must bring its command
 * (`alarm.acknowledged`, `alarm.resolved`) to the pendant. Duplicated: the pendant heard that
 * command under two or more command ids. The same command id heard again (a redelivery the device
 * recognises by its id) is counted apart, as `redelivered`.
 */
export function countCommands(fleet: Fleet, actions: readonly ResponderAction[]): Counted & { redelivered: number } {
  const tally: Tally = { ...empty(), attempted: actions.length }
  // One entry per action: one confirmed twice (its first answer lost, the action done again) counts once.
  const expected = new Map<string, ResponderAction>()
  for (const a of actions) if (a.confirmed) expected.set(`${a.deviceId} ${a.alertId} ${a.command}`, a)
  tally.acknowledged = expected.size
  let unconfirmedHeard = 0
  for (const action of expected.values()) {
    const heard = fleet.commands.get(action.deviceId)?.byAction.get(`${action.alertId} ${action.command}`)
    if (heard && heard.size > 0) tally.stored++
    else tally.lost++
    if (heard && heard.size > 1) tally.duplicated++
  }
  let redelivered = 0
  for (const [deviceId, log] of fleet.commands) {
    for (const n of log.receipts.values()) redelivered += n - 1
    for (const [key] of log.byAction) if (!expected.has(`${deviceId} ${key}`)) unconfirmedHeard++
  }
  tally.unacknowledged = tally.attempted - actions.filter((a) => a.confirmed).length
  const notes: string[] = []
  if (redelivered > 0) notes.push(`${redelivered} commands arrived again under the same id (a redelivery the pendant recognises)`)
  if (unconfirmedHeard > 0) notes.push(`${unconfirmedHeard} commands arrived for actions whose answer the responder never got (the platform took them before it stopped)`)
  return { tally, notes, redelivered }
}
