import pino from 'pino'
import { Registry } from 'prom-client'
import { describe, expect, it } from 'vitest'
import type { NewAlert } from '../../../alerting/alert-lifecycle.js'
import * as lifecycle from '../../../alerting/alert-lifecycle.js'
import { DEFAULT_EVENT_STORMS, createEventStorms } from '../../../alerting/event-storms.js'
import { EVENT_FLOOD_KIND } from '../../../alerting/flood-alert.js'
import type { AlertStore, EventInbox } from '../../../alerting/ports.js'
import { parseDeviceEvent, type Alert, type AlertHistoryEntry, type DeviceErrorMessage, type DeviceEvent, type DeviceId } from '../../../contract/index.js'

const T0 = Date.parse('2026-11-22T10:00:00Z')
const PENDANT = 'pendant-1' as DeviceId

/** Alerts kept in memory, as the SQLite repository keeps them: one open alert per person and fold key. */
function memoryAlerts() {
  const rows: Array<Alert & { foldKey: string }> = []
  const history: Array<{ alertId: string; entry: AlertHistoryEntry }> = []
  const store: AlertStore = {
    transaction: (fn) => fn(),
    findOpen: (personId, foldKey) => rows.find((a) => a.personId === personId && a.foldKey === foldKey && a.status !== 'resolved'),
    due: () => [],
    list: () => rows.filter((a) => a.status !== 'resolved'),
    get: (id) => rows.find((a) => a.id === id),
    insert(alert: NewAlert) {
      const row = { ...alert, id: `a-${rows.length + 1}`, personName: 'Ada Lovelace' }
      rows.push(row)
      return row
    },
    update(alert) {
      const index = rows.findIndex((a) => a.id === alert.id)
      rows[index] = { ...alert, foldKey: rows[index]?.foldKey ?? alert.kind }
    },
    addHistory: (alertId, entry) => void history.push({ alertId, entry }),
  }
  return { store, rows, history }
}

function memoryInbox() {
  const entries: Array<{ deviceId: DeviceId; event: DeviceEvent; receivedAtMs: number; processed: boolean }> = []
  const inbox: EventInbox = {
    record: (deviceId, event, receivedAtMs) => void entries.push({ deviceId, event, receivedAtMs, processed: false }),
    recorded: () => undefined,
    markProcessed(deviceId, eventId) {
      const entry = entries.find((e) => e.deviceId === deviceId && e.event.id === eventId)
      if (entry) entry.processed = true
    },
    pending: () => entries.filter((e) => !e.processed),
  }
  return { inbox, entries }
}

function rig(personOf: (deviceId: string) => string | undefined = () => 'p-1') {
  const clock = { ms: T0, now: () => clock.ms }
  const alerts = memoryAlerts()
  const journal = memoryInbox()
  const told: Array<{ deviceId: string; message: DeviceErrorMessage }> = []
  const announced: Alert[] = []
  const seen: Array<{ deviceId: string; type: string }> = []
  const storms = createEventStorms(DEFAULT_EVENT_STORMS, {
    logger: pino({ level: 'silent' }),
    metrics: new Registry(),
    clock,
    alerts: alerts.store,
    inbox: journal.inbox,
    devices: { personOf, recordSeen: () => undefined, watched: () => [] },
    absences: { activeAt: () => undefined },
    tell: (deviceId, message) => void told.push({ deviceId, message }),
    announce: (alert) => void announced.push(alert),
    onEvent: (_personId, deviceId, event) => void seen.push({ deviceId, type: event.type }),
  })
  let written = 0
  const send = (id: string, type: string, over: 'rate' | 'in-flight' = 'rate') =>
    storms.limited(PENDANT, parseDeviceEvent(JSON.stringify({ id, type })), clock.now(), over, () => void (written += 1))
  /** What the full path would have done with a press: raise the alert (alerting's own processing). */
  const raiseFromFullPath = (kind: string) => {
    const fresh = lifecycle.raise({ personId: 'p-1', deviceId: PENDANT, kind, priority: 'emergency', atMs: clock.now() })
    return alerts.store.insert(fresh.alert)
  }
  return { clock, alerts, journal, told, announced, seen, storms, send, raiseFromFullPath, written: () => written }
}

describe('event storms: a device beyond its event limits', () => {
  it('folds repeats of an open alarm into it, written once in aggregate with their count', () => {
    const r = rig()
    const alarm = r.raiseFromFullPath('alarm.pressed')
    for (let i = 1; i <= 250; i++) expect(r.send(`e-${i}`, 'alarm.pressed')).toBe('folded')
    expect(r.journal.entries).toEqual([])
    expect(r.written()).toBe(0)

    r.clock.ms += 1000
    r.storms.write()
    expect(r.alerts.rows.find((a) => a.id === alarm.id)).toMatchObject({ occurrences: 251, status: 'raised' })
    expect(r.alerts.history).toEqual([
      { alertId: alarm.id, entry: expect.objectContaining({ action: 'repeated', detail: '250 repeats from pendant-1 over its event limits, folded (e-1 to e-250)' }) },
      expect.objectContaining({ entry: expect.objectContaining({ action: 'raised' }) }),
    ])
    expect(r.journal.entries).toEqual([
      expect.objectContaining({ deviceId: PENDANT, processed: true, event: expect.objectContaining({ type: 'alarm.pressed', data: expect.objectContaining({ repeats: 250, firstId: 'e-1', lastId: 'e-250' }) }) }),
    ])
    expect(r.written()).toBe(250)
    expect(r.seen).toEqual([{ deviceId: PENDANT, type: 'alarm.pressed' }])
  })

  it('keeps the first event of a kind, and a cancel of an uncancelled press, for the full path: a distinct alarm is never folded or refused', () => {
    const r = rig()
    expect(r.send('e-1', 'alarm.pressed')).toBe('process')
    r.raiseFromFullPath('alarm.pressed')
    expect(r.send('e-2', 'alarm.pressed')).toBe('folded')
    expect(r.send('e-3', 'fall.detected')).toBe('process')
    expect(r.send('e-4', 'smoke.detected', 'in-flight')).toBe('process')
    expect(r.send('e-5', 'alarm.cancelled')).toBe('process')
  })

  it('refuses activity, test and invalid events over the limits, and answers the device once per write with what was folded and refused', () => {
    const r = rig()
    const alarm = r.raiseFromFullPath('alarm.pressed')
    r.send('e-1', 'alarm.pressed')
    r.send('e-2', 'alarm.pressed')
    expect(r.send('e-3', 'motion')).toBe('refused')
    expect(r.send('e-4', 'test')).toBe('refused')
    expect(r.send('e-5', 'motion')).toBe('refused')
    expect(r.storms.limited(PENDANT, parseDeviceEvent('not json'), r.clock.now(), 'rate', () => undefined)).toBe('refused')
    r.storms.write()
    expect(r.told).toEqual([
      {
        deviceId: PENDANT,
        message: {
          topic: 'events',
          receivedAt: '2026-11-22T10:00:00.000Z',
          refused: [
            { code: 'rate_limited', name: 'alarm.pressed', message: `2 alarm.pressed over the device's event limits folded into alert ${alarm.id} as repeats (e-1 to e-2)` },
            { code: 'rate_limited', name: 'motion', message: "2 motion events over the device's event limits refused, not recorded (e-3 to e-5)" },
            { code: 'rate_limited', name: 'test', message: "1 test event over the device's event limits refused, not recorded (e-4)" },
            { code: 'rate_limited', name: '(invalid)', message: "1 invalid event over the device's event limits refused, not recorded" },
          ],
        },
      },
    ])
    r.storms.write()
    expect(r.told).toHaveLength(1)
  })

  it('refuses a repeat beyond the in-flight limit, and refuses everything from a device with no person', () => {
    const r = rig()
    r.raiseFromFullPath('alarm.pressed')
    expect(r.send('e-1', 'alarm.pressed', 'in-flight')).toBe('refused')
    const unassigned = rig(() => undefined)
    expect(unassigned.send('e-1', 'alarm.pressed')).toBe('refused')
  })

  it('cancels nothing twice: a cancel over the limits once the press is already cancelled is refused', () => {
    const r = rig()
    const alarm = r.raiseFromFullPath('alarm.pressed')
    r.alerts.store.update({ ...alarm, cancelledAt: new Date(T0).toISOString() })
    expect(r.send('e-1', 'alarm.cancelled')).toBe('refused')
  })

  it('raises one technical alert for the flooding device, brings it up to date each minute, and closes it itself after 10 quiet minutes', () => {
    const r = rig()
    r.raiseFromFullPath('alarm.pressed')
    for (let i = 1; i <= 40; i++) r.send(`e-${i}`, 'alarm.pressed')
    r.clock.ms += 1000
    r.storms.write()
    const flood = r.alerts.rows.filter((a) => a.kind === EVENT_FLOOD_KIND)
    expect(flood).toEqual([
      expect.objectContaining({
        deviceId: PENDANT,
        priority: 'technical',
        status: 'raised',
        foldKey: `${EVENT_FLOOD_KIND}:${PENDANT}`,
        summary: 'pendant-1 is sending events faster than its limits: 40 over them in 1 s (40 folded into its open alert, 0 refused); the device may be faulty',
      }),
    ])
    for (let s = 1; s <= 59; s++) {
      r.send(`f-${s}`, 'motion')
      r.clock.ms += 1000
      r.storms.write()
    }
    expect(r.alerts.rows.filter((a) => a.kind === EVENT_FLOOD_KIND)).toEqual([expect.objectContaining({ occurrences: 1 })])
    r.send('f-60', 'motion')
    r.clock.ms += 1000
    r.storms.write()
    expect(r.alerts.rows.filter((a) => a.kind === EVENT_FLOOD_KIND)).toEqual([expect.objectContaining({ occurrences: 2, summary: expect.stringContaining('100 over them in 61 s') })])

    r.clock.ms += 10 * 60_000 - 1001
    r.storms.write()
    expect(r.storms.flooding()).toEqual([PENDANT])
    r.clock.ms += 1
    r.storms.write()
    expect(r.storms.flooding()).toEqual([])
    expect(r.alerts.rows.find((a) => a.kind === EVENT_FLOOD_KIND)).toMatchObject({
      status: 'resolved',
      outcome: 'technical',
      resolvedBy: 'hearth',
      note: 'pendant-1 within its event limits again after 60 s over them; 100 events over its limits in all',
    })
  })

  it('does not raise the technical alert again within the same flood once a responder has resolved it', () => {
    const r = rig()
    r.send('e-1', 'motion')
    r.storms.write()
    const flood = r.alerts.rows.find((a) => a.kind === EVENT_FLOOD_KIND)
    if (!flood) throw new Error('no flood alert')
    const done = lifecycle.resolve(flood, 'sam', 'technical', 'engineer booked', r.clock.now())
    if (!done.ok) throw new Error(done.reason)
    r.alerts.store.update(done.alert)
    r.storms.alertChanged(done.alert)
    for (let m = 1; m <= 3; m++) {
      r.send(`e-${m + 1}`, 'motion')
      r.clock.ms += 60_000
      r.storms.write()
    }
    expect(r.alerts.rows.filter((a) => a.kind === EVENT_FLOOD_KIND)).toHaveLength(1)
  })

  it('never folds into a closed alarm: once a responder resolves it, the next press is new, and repeats still waiting raise a new alert', () => {
    const r = rig()
    const first = r.raiseFromFullPath('alarm.pressed')
    r.send('e-1', 'alarm.pressed')
    const done = lifecycle.resolve(first, 'sam', 'false-alarm', undefined, r.clock.now())
    if (!done.ok) throw new Error(done.reason)
    r.alerts.store.update(done.alert)
    r.storms.alertChanged(done.alert)
    r.storms.write()
    const second = r.alerts.rows.find((a) => a.kind === 'alarm.pressed' && a.status === 'raised')
    expect(second).toMatchObject({ occurrences: 1, deviceId: PENDANT })
    if (!second) throw new Error('no second alarm')
    expect(second.id).not.toBe(first.id)
    r.alerts.store.update({ ...second, status: 'resolved' })
    r.storms.alertChanged({ ...second, status: 'resolved' })
    expect(r.send('e-2', 'alarm.pressed')).toBe('process')
  })

  it('after a restart, watches a device whose flood alert is still open and closes it once the device has been quiet for 10 minutes', () => {
    const r = rig()
    const fresh = lifecycle.raise({ personId: 'p-1', deviceId: PENDANT, kind: EVENT_FLOOD_KIND, priority: 'technical', atMs: T0 - 60_000, foldKey: `${EVENT_FLOOD_KIND}:${PENDANT}` })
    const flood = r.alerts.store.insert(fresh.alert)
    r.storms.restore(r.alerts.store.list('open', 100))
    expect(r.storms.flooding()).toEqual([PENDANT])
    r.clock.ms += 10 * 60_000
    r.storms.write()
    expect(r.alerts.store.get(flood.id)).toMatchObject({ status: 'resolved', outcome: 'technical', resolvedBy: 'hearth' })
  })

  it("moved to another person mid-flood: repeats so far go to the first person's alarm, the next press meets the new person's alerts", () => {
    let owner = 'p-1'
    const r = rig(() => owner)
    const alarm = r.raiseFromFullPath('alarm.pressed')
    expect(r.send('e-1', 'alarm.pressed')).toBe('folded')
    expect(r.send('e-2', 'alarm.pressed')).toBe('folded')

    owner = 'p-2'
    r.storms.deviceMoved(PENDANT)
    expect(r.alerts.store.get(alarm.id)).toMatchObject({ personId: 'p-1', occurrences: 3 })
    // The new person has no open alarm: the press is theirs and goes the full way, never folded into the first person's.
    expect(r.send('e-3', 'alarm.pressed')).toBe('process')
    r.clock.ms += 1000
    r.storms.write()
    expect(r.alerts.store.get(alarm.id)).toMatchObject({ personId: 'p-1', occurrences: 3 })
    expect(r.alerts.rows.filter((a) => a.kind === EVENT_FLOOD_KIND).map((a) => a.personId)).toEqual(['p-2'])
  })
})
