import { describe, expect, it } from 'vitest'
import { applyDeviceEvent } from '../../../alerting/apply-device-event.js'
import type { NewAlert } from '../../../alerting/alert-lifecycle.js'
import type { AbsenceCalendar, AlertStore, CarePlan, CarePlans } from '../../../alerting/ports.js'
import { createRulesEngine, type KnownDevice, type PersonFinding } from '../../../alerting/rules-engine.js'
import { SILENCED_BY_ABSENCE, silencedByAbsence } from '../../../alerting/rules/planned-absence.js'
import {
  DEFAULT_CARE_SETTINGS,
  DeviceIdSchema,
  thresholdsInForce,
  type Absence,
  type Alert,
  type AlertHistoryEntry,
  type CareSettings,
  type DeviceStatus,
  type DeviceType,
  type EventType,
  type MetricName,
} from '../../../contract/index.js'

const MIN = 60_000
const H = 60 * MIN
const DAY = 24 * H
const utc = (iso: string): number => Date.parse(iso)
const iso = (ms: number): string => new Date(ms).toISOString()

const PERSON = 'p-ada'
const OTHER = 'p-bob'
const LONDON: CareSettings = { ...DEFAULT_CARE_SETTINGS, timeZone: 'Europe/London' }

const planFor = (personId: string, settings: CareSettings = LONDON, version = 3): CarePlan => ({
  personId,
  version,
  settings,
  thresholds: thresholdsInForce([], settings.news2Scale),
})

// ---- In-test fakes for the engine's ports -----------------------------------------------------

function fakeCarePlans(plans: CarePlan[]): CarePlans & { plans: Map<string, CarePlan> } {
  const map = new Map(plans.map((p) => [p.personId, p]))
  return { plans: map, current: (personId) => map.get(personId) }
}

/** Absences in force over [from, to), as the absence repository answers. */
function fakeAbsences(): AbsenceCalendar & { add(personId: string, fromMs: number, toMs: number): void } {
  const list: Absence[] = []
  return {
    add(personId, fromMs, toMs) {
      list.push({
        id: `abs-${list.length + 1}`,
        personId,
        from: iso(fromMs),
        to: iso(toMs),
        reason: 'in hospital',
        createdBy: 'nurse',
        createdAt: iso(fromMs - DAY),
        endedAt: null,
        endedBy: null,
      })
    },
    activeAt(personId, atMs) {
      return list.find((a) => a.personId === personId && Date.parse(a.from) <= atMs && atMs < Date.parse(a.to))
    },
  }
}

function setup(plans: CarePlan[] = [planFor(PERSON)]) {
  const carePlans = fakeCarePlans(plans)
  const absences = fakeAbsences()
  const ruleErrors: Array<{ personId: string; rule: string; message: string }> = []
  const engine = createRulesEngine({
    absences,
    onRuleError(personId, rule, error) {
      const message = error instanceof Error ? error.message : String(error)
      ruleErrors.push({ personId, rule, message })
      return { personId, deviceId: '', version: 0, finding: { action: 'fire', kind: 'rule.error', priority: 'technical', summary: `Rule ${rule} failed: ${message}` } }
    },
  })
  const planOf = (personId: string): CarePlan | undefined => carePlans.current(personId)
  return { engine, carePlans, absences, ruleErrors, planOf }
}
type Harness = ReturnType<typeof setup>

const device = (id: string, type: DeviceType, lastSeenMs: number, personId = PERSON, checkInSeconds: number | null = null): KnownDevice => ({
  id,
  type,
  personId,
  checkInSeconds,
  lastSeenMs,
})

const HOME_DEVICES: Array<[string, DeviceType]> = [
  ['pendant-1', 'pendant'],
  ['motion-1', 'motion-sensor'],
  ['door-1', 'door-sensor'],
  ['bed-1', 'bed-sensor'],
  ['wrist-1', 'wearable'],
]

// ---- Simulated time -----------------------------------------------------------------------------

type Input =
  | { atMs: number; deviceId: string; personId?: string; event: EventType }
  | { atMs: number; deviceId: string; personId?: string; readings: Array<{ metric: MetricName; value: number }> }
  | { atMs: number; deviceId: string; personId?: string; status: DeviceStatus }

interface Seen {
  at: string
  personId: string
  deviceId: string
  kind: string
  action: 'fire' | 'clear'
  summary: string
  priority?: string
  version: number
}

const seen = (atMs: number, found: PersonFinding[]): Seen[] =>
  found.map(({ personId, deviceId, finding, version }) => ({
    at: iso(atMs),
    personId,
    deviceId,
    kind: finding.kind,
    action: finding.action,
    summary: finding.summary,
    ...(finding.action === 'fire' ? { priority: finding.priority } : {}),
    version,
  }))

function deliver(h: Harness, input: Input): PersonFinding[] {
  const plan = h.planOf(input.personId ?? PERSON)
  if (!plan) return []
  if ('event' in input) return h.engine.onEvent(plan, input.deviceId, { type: input.event }, input.atMs)
  if ('readings' in input) return h.engine.onReadings(plan, input.deviceId, input.readings, input.atMs)
  return h.engine.onStatus(plan, input.deviceId, input.status, input.atMs)
}

/** Delivers each input at its time and ticks every `stepMs` from `fromMs` to `toMs` (exclusive). */
function drive(h: Harness, inputs: Input[], fromMs: number, toMs: number, stepMs = MIN): Seen[] {
  const queue = [...inputs].sort((a, b) => a.atMs - b.atMs)
  const out: Seen[] = []
  let next = 0
  for (let t = fromMs; t < toMs; t += stepMs) {
    for (; next < queue.length && (queue[next]?.atMs ?? Infinity) <= t; next++) {
      const input = queue[next]
      if (input) out.push(...seen(input.atMs, deliver(h, input)))
    }
    out.push(...seen(t, h.engine.tick(t, h.planOf)))
  }
  return out
}

/** An ordinary day at home (January, so local time is UTC): up at 07:05, about every half hour, in bed at 22:30. */
function ordinaryDay(dayStartMs: number, personId = PERSON): Input[] {
  const at = (hours: number, minutes = 0): number => dayStartMs + hours * H + minutes * MIN
  const inputs: Input[] = [
    { atMs: at(3), deviceId: 'bed-1', personId, event: 'bed.exit' },
    { atMs: at(3, 10), deviceId: 'bed-1', personId, event: 'bed.enter' },
    { atMs: at(7, 5), deviceId: 'bed-1', personId, event: 'bed.exit' },
    { atMs: at(9), deviceId: 'door-1', personId, event: 'door.opened' },
    { atMs: at(9, 1), deviceId: 'door-1', personId, event: 'door.closed' },
    { atMs: at(22, 30), deviceId: 'bed-1', personId, event: 'bed.enter' },
    // Putting the bin out at night, and back in.
    { atMs: at(23), deviceId: 'door-1', personId, event: 'door.opened' },
    { atMs: at(23, 2), deviceId: 'door-1', personId, event: 'door.closed' },
    { atMs: at(23, 3), deviceId: 'motion-1', personId, event: 'motion' },
  ]
  for (let m = 7 * 60 + 30; m <= 21 * 60 + 30; m += 30) inputs.push({ atMs: dayStartMs + m * MIN, deviceId: 'motion-1', personId, event: 'motion' })
  for (let hour = 0; hour < 24; hour++) {
    for (const [id] of HOME_DEVICES) inputs.push({ atMs: at(hour, 30), deviceId: id, personId, status: { online: true, battery: 0.8 } })
  }
  return inputs
}

/** The wearable's vital signs every minute: calm values. */
function calmVitals(fromMs: number, toMs: number, personId = PERSON): Input[] {
  const inputs: Input[] = []
  for (let t = fromMs; t < toMs; t += MIN) {
    const i = (t - fromMs) / MIN
    inputs.push({ atMs: t, deviceId: 'wrist-1', personId, readings: [{ metric: 'heart_rate', value: 62 + (i % 20) }, { metric: 'spo2', value: 96 + (i % 4) }] })
  }
  return inputs
}

const D1 = utc('2026-01-12T00:00:00Z')

function homeWithDevices(fromMs = D1): Harness {
  const h = setup()
  h.engine.start(fromMs)
  h.engine.syncDevices(HOME_DEVICES.map(([id, type]) => device(id, type, fromMs)))
  return h
}

// ---- Tests ----------------------------------------------------------------------------------------

describe('rules engine: days of ordinary life', () => {
  it('raises nothing over 3 days of ordinary life with a vital-signs reading every minute', () => {
    const h = homeWithDevices()
    const inputs = [0, 1, 2].flatMap((d) => ordinaryDay(D1 + d * DAY)).concat(calmVitals(D1, D1 + 3 * DAY))
    expect(drive(h, inputs, D1, D1 + 3 * DAY)).toEqual([])
  })

  it('raises inactivity 3 h after the last movement, naming the device that saw it and the plan version', () => {
    const h = homeWithDevices()
    const day = ordinaryDay(D1).filter((i) => i.atMs <= D1 + 11 * H)
    const found = drive(h, day, D1, D1 + 16 * H).filter((f) => f.kind === 'inactivity')
    expect(found).toEqual([
      {
        at: '2026-01-12T14:00:00.000Z',
        personId: PERSON,
        deviceId: 'motion-1',
        kind: 'inactivity',
        action: 'fire',
        priority: 'urgent',
        summary: 'No movement for 3 h since the last activity at 11:00 (active hours 07:00 to 22:00)',
        version: 3,
      },
    ])
  })
})

describe('rules engine: planned absence', () => {
  it('silences inactivity, night door and bed, device offline and missed medication, and nothing else', () => {
    expect([...SILENCED_BY_ABSENCE].sort()).toEqual(['device.offline', 'inactivity', 'medication.missed', 'night.bed-exit', 'night.door-exit'])
    for (const kind of ['alarm.pressed', 'fall.detected', 'smoke.detected', 'co.detected', 'heat.detected', 'flood.detected', 'threshold.spo2', 'news2', 'device.battery-low']) {
      expect(silencedByAbsence(kind)).toBe(false)
    }
  })

  it('fires no silenced rule during a 2-day absence, still fires thresholds, NEWS2 and battery, and counts silence from its end', () => {
    const h = homeWithDevices()
    const leave = D1 + 10 * H // Mon 10:00
    const back = D1 + 2 * DAY + 12 * H // Wed 12:00
    h.absences.add(PERSON, leave, back)
    const beforeLeaving = ordinaryDay(D1)
      .filter((i) => i.atMs < leave)
      .concat(calmVitals(D1, leave))
    // The empty home: the devices still check in every hour; the wearable went with her.
    const emptyHome: Input[] = []
    for (let t = leave + 30 * MIN; t < D1 + 3 * DAY; t += H) {
      for (const [id] of HOME_DEVICES.filter(([d]) => d !== 'wrist-1')) emptyHome.push({ atMs: t, deviceId: id, status: { online: true } })
    }
    // In hospital, the wearable sends a low SpO2 for 10 minutes on Tuesday afternoon; the motion
    // sensor's battery runs low on Tuesday evening; the pendant drops its connection (will).
    const tuesday = D1 + DAY
    const lowSpo2: Input[] = Array.from({ length: 11 }, (_, i) => ({ atMs: tuesday + 15 * H + i * MIN, deviceId: 'wrist-1', readings: [{ metric: 'spo2' as const, value: 88 }] }))
    const lowBattery: Input = { atMs: tuesday + 19 * H, deviceId: 'motion-1', status: { online: true, battery: 0.15 } }
    const will: Input = { atMs: tuesday + 20 * H, deviceId: 'pendant-1', status: { online: false } }
    const pendantBack: Input = { atMs: tuesday + 20 * H + 5 * MIN, deviceId: 'pendant-1', status: { online: true, battery: 0.8 } }

    const found = drive(h, [...beforeLeaving, ...emptyHome, ...lowSpo2, lowBattery, will, pendantBack], D1, D1 + 3 * DAY)
    expect(found.filter((f) => Date.parse(f.at) < leave)).toEqual([])
    const during = found.filter((f) => Date.parse(f.at) >= leave && Date.parse(f.at) < back)
    expect(during.filter((f) => f.action === 'fire' && silencedByAbsence(f.kind))).toEqual([])
    expect(during.map((f) => [f.at, f.kind, f.action, f.deviceId, f.summary])).toEqual([
      ['2026-01-13T15:00:00.000Z', 'news2', 'fire', 'wrist-1', 'partial NEWS2 (1 of 7 parameters): 3; SpO2 (scale 1) 3'],
      ['2026-01-13T15:05:00.000Z', 'threshold.spo2', 'fire', 'wrist-1', 'SpO2 88 %, below 92 % for 5 min'],
      ['2026-01-13T19:00:00.000Z', 'device.battery-low', 'fire', 'motion-1', 'Battery at 15% on motion-1'],
      // The pendant's will during the absence changes nothing: it is not offline, so its return clears nothing.
    ])
    // After the absence, silence counts from its end (the last tick inside it, one minute before):
    // no alert at once, inactivity 3 h later and the wearable, still away, 18 min later.
    const after = found.filter((f) => Date.parse(f.at) >= back)
    expect(after.map((f) => [f.at, f.kind, f.action, f.deviceId, f.summary])).toEqual([
      ['2026-01-14T12:17:00.000Z', 'device.offline', 'fire', 'wrist-1', 'wearable wrist-1 silent for 18 min (expected every 15 min)'],
      ['2026-01-14T14:59:00.000Z', 'inactivity', 'fire', 'motion-1', 'No movement for 3 h since the last activity at 11:59 (active hours 07:00 to 22:00)'],
    ])
  })

  it('raises the pendant and fall alerts during an absence, but not a missed medication', () => {
    const absences = fakeAbsences()
    absences.add(PERSON, D1, D1 + 7 * DAY)
    const alerts = fakeAlertStore()
    // As the alerting service asks it (create-alerting.ts): silenced by the absence in force.
    const silenced = (kind: string): boolean => silencedByAbsence(kind) && absences.activeAt(PERSON, D1 + DAY) !== undefined
    const raise = (type: EventType, deviceId: string): string =>
      applyDeviceEvent(alerts, PERSON, DeviceIdSchema.parse(deviceId), { id: `e-${type}`, type, ts: D1 + DAY, data: {} }, D1 + DAY, silenced).kind
    expect(raise('alarm.pressed', 'pendant-1')).toBe('raised')
    expect(raise('fall.detected', 'fall-1')).toBe('raised')
    expect(raise('medication.missed', 'pill-1')).toBe('none')
    expect(alerts.all.map((a) => [a.kind, a.priority, a.summary])).toEqual([
      ['alarm.pressed', 'emergency', 'Alarm pressed'],
      ['fall.detected', 'emergency', 'Fall detected'],
    ])
  })

  it('does not fire inactivity for days of an empty home, then fires 3 h after the absence ends, to the 1-second tick', () => {
    const h = setup()
    h.engine.start(D1)
    h.engine.syncDevices([device('motion-1', 'motion-sensor', D1)])
    const leave = D1 + 8 * H
    const back = D1 + 3 * DAY + 9 * H
    h.absences.add(PERSON, leave, back)
    const found: Seen[] = []
    for (let t = D1; t < back - MIN; t += MIN) found.push(...seen(t, h.engine.tick(t, h.planOf)))
    // The production tick is every second: the last tick inside the absence is 1 s before its end.
    for (let t = back - MIN; t < back + 4 * H; t += 1000) found.push(...seen(t, h.engine.tick(t, h.planOf)))
    expect(found.filter((f) => f.kind === 'inactivity').map((f) => [f.at, f.kind])).toEqual([['2026-01-15T11:59:59.000Z', 'inactivity']])
  })

  it('does not fire, when an absence ends at night, for a door a visitor opened during it', () => {
    const h = homeWithDevices()
    h.absences.add(PERSON, D1 + 10 * H, D1 + DAY + 2 * H) // until Tuesday 02:00, night
    const visitor: Input[] = [
      { atMs: D1 + DAY + 1 * H, deviceId: 'door-1', event: 'door.opened' },
      { atMs: D1 + DAY + 1 * H + 2 * MIN, deviceId: 'door-1', event: 'door.closed' },
    ]
    const found = drive(h, visitor, D1 + 10 * H, D1 + DAY + 2 * H + 10 * MIN)
    expect(found.filter((f) => f.kind === 'night.door-exit')).toEqual([])
  })

  it('reports a device that went offline (its will) during an absence and is still silent after it', () => {
    const h = homeWithDevices()
    h.absences.add(PERSON, D1 + 10 * H, D1 + DAY + 10 * H)
    const will: Input = { atMs: D1 + 12 * H, deviceId: 'pendant-1', status: { online: false } }
    const found = drive(h, [will], D1 + 10 * H, D1 + 2 * DAY)
    expect(found.filter((f) => f.kind === 'device.offline' && f.deviceId === 'pendant-1').map((f) => f.action)).toEqual(['fire'])
  })
})

describe('rules engine: a rule that throws', () => {
  it('reports a throwing rule as a rule.error finding through onRuleError and keeps the other rules running', () => {
    const broken: CareSettings = { ...LONDON, timeZone: 'Not/AZone' }
    const h = setup([planFor(PERSON, broken, 7), planFor(OTHER)])
    h.engine.start(D1)
    // Both homes' motion sensors checked in just now: only the rules about people are due.
    h.engine.syncDevices([device('motion-1', 'motion-sensor', D1 + 10 * H), device('motion-2', 'motion-sensor', D1 + 10 * H, OTHER)])
    const tick = h.engine.tick(D1 + 10 * H, h.planOf)
    expect(seen(D1 + 10 * H, tick)).toEqual([
      {
        at: '2026-01-12T10:00:00.000Z',
        personId: PERSON,
        deviceId: '',
        kind: 'rule.error',
        action: 'fire',
        priority: 'technical',
        summary: 'Rule inactivity failed: Invalid time zone specified: Not/AZone',
        version: 0,
      },
      // The other person's rules ran in the same tick.
      {
        at: '2026-01-12T10:00:00.000Z',
        personId: OTHER,
        deviceId: '',
        kind: 'inactivity',
        action: 'fire',
        priority: 'urgent',
        summary: 'No movement for 3 h since the day began at 07:00 (active hours 07:00 to 22:00)',
        version: 3,
      },
    ])
    expect(h.ruleErrors).toEqual([{ personId: PERSON, rule: 'inactivity', message: 'Invalid time zone specified: Not/AZone' }])
  })

  it('reports each rule that throws on an event, and still judges readings for the same person', () => {
    const h = setup([planFor(PERSON, { ...LONDON, timeZone: 'Not/AZone' })])
    h.engine.start(D1)
    const plan = h.planOf(PERSON)
    if (!plan) throw new Error('no plan')
    const onDoor = h.engine.onEvent(plan, 'door-1', { type: 'door.opened' }, D1 + 23 * H)
    expect(onDoor.map((f) => f.finding.summary)).toEqual(['Rule night.door-exit failed: Invalid time zone specified: Not/AZone'])
    const onReading = h.engine.onReadings(plan, 'wrist-1', [{ metric: 'heart_rate', value: 35 }], D1 + 23 * H)
    expect(onReading.map((f) => [f.finding.kind, f.finding.action])).toEqual([['news2', 'fire']])
  })
})

describe('rules engine: devices', () => {
  it('watches a never-heard device from the engine start, not from when it was provisioned', () => {
    const h = setup()
    h.engine.start(D1)
    h.engine.syncDevices([device('pendant-1', 'pendant', D1 - 7 * DAY)])
    const found = drive(h, [], D1, D1 + 2 * H).filter((f) => f.kind === 'device.offline')
    expect(found.map((f) => [f.at, f.summary])).toEqual([['2026-01-12T01:12:00.000Z', 'pendant pendant-1 silent for 72 min (expected every 60 min)']])
  })

  it('adds, updates and drops devices on sync', () => {
    const h = setup([planFor(PERSON), planFor(OTHER)])
    h.engine.start(D1)
    h.engine.syncDevices([device('pendant-1', 'pendant', D1), device('door-1', 'door-sensor', D1)])
    expect([h.engine.knows('pendant-1'), h.engine.knows('door-1'), h.engine.knows('bed-1')]).toEqual([true, true, false])
    // door-1 removed; pendant-1 moved to Bob and set to check in every 5 minutes; bed-1 new.
    h.engine.syncDevices([device('pendant-1', 'pendant', D1, OTHER, 300), device('bed-1', 'bed-sensor', D1)])
    expect([h.engine.knows('pendant-1'), h.engine.knows('door-1'), h.engine.knows('bed-1')]).toEqual([true, false, true])
    const found = drive(h, [], D1, D1 + 2 * H).filter((f) => f.kind === 'device.offline')
    expect(found.map((f) => [f.at, f.personId, f.deviceId, f.summary])).toEqual([
      ['2026-01-12T00:06:00.000Z', OTHER, 'pendant-1', 'pendant pendant-1 silent for 6 min (expected every 5 min)'],
      ['2026-01-12T01:12:00.000Z', PERSON, 'bed-1', 'bed-sensor bed-1 silent for 72 min (expected every 60 min)'],
    ])
  })

  it('never moves a device last check-in back when a sync brings an older time', () => {
    const h = setup()
    h.engine.start(D1)
    h.engine.syncDevices([device('pendant-1', 'pendant', D1)])
    const plan = h.planOf(PERSON)
    if (!plan) throw new Error('no plan')
    h.engine.onStatus(plan, 'pendant-1', { online: true }, D1 + 60 * MIN)
    h.engine.syncDevices([device('pendant-1', 'pendant', D1)])
    expect(drive(h, [], D1 + 60 * MIN, D1 + 132 * MIN).filter((f) => f.kind === 'device.offline')).toEqual([])
    expect(seen(D1 + 132 * MIN, h.engine.tick(D1 + 132 * MIN, h.planOf)).map((f) => f.summary)).toEqual(['pendant pendant-1 silent for 72 min (expected every 60 min)'])
  })

  it('fires device.offline on a will and clears it when the device is back, per device', () => {
    const h = homeWithDevices()
    const found = drive(
      h,
      [
        { atMs: D1 + 10 * MIN, deviceId: 'door-1', status: { online: false } },
        { atMs: D1 + 40 * MIN, deviceId: 'door-1', status: { online: true } },
      ],
      D1,
      D1 + 50 * MIN,
    )
    expect(found.filter((f) => f.deviceId === 'door-1').map((f) => [f.at, f.deviceId, f.action, f.summary])).toEqual([
      ['2026-01-12T00:10:00.000Z', 'door-1', 'fire', 'door-sensor door-1 went offline: its connection dropped'],
      ['2026-01-12T00:40:00.000Z', 'door-1', 'clear', 'door-sensor door-1 back after 30 min'],
    ])
  })
})

describe('rules engine: thresholds and NEWS2 from readings', () => {
  const reading = (atMs: number, metric: MetricName, value: number): Input => ({ atMs, deviceId: 'wrist-1', readings: [{ metric, value }] })

  it('fires the default SpO2 threshold after 5 min at 91% on scale 1, with NEWS2 at once', () => {
    const h = setup()
    const found = drive(h, Array.from({ length: 6 }, (_, i) => reading(D1 + 10 * H + i * MIN, 'spo2', 91)), D1 + 10 * H, D1 + 10 * H + 10 * MIN)
    expect(found.filter((f) => f.kind !== 'inactivity').map((f) => [f.at, f.kind, f.priority, f.summary, f.version])).toEqual([
      ['2026-01-12T10:00:00.000Z', 'news2', 'urgent', 'partial NEWS2 (1 of 7 parameters): 3; SpO2 (scale 1) 3', 3],
      ['2026-01-12T10:05:00.000Z', 'threshold.spo2', 'urgent', 'SpO2 91 %, below 92 % for 5 min', 3],
    ])
  })

  it('scores NEWS2 from the latest readings within 30 min: a reading 30 min old counts, one 30 min and 1 ms old does not', () => {
    const t0 = D1 + 10 * H
    const inWindow = setup()
    const a = drive(inWindow, [reading(t0, 'heart_rate', 115), reading(t0 + 10 * MIN, 'spo2', 93), reading(t0 + 30 * MIN, 'body_temperature', 38.5)], t0, t0 + 31 * MIN)
    expect(a.filter((f) => f.kind === 'news2').map((f) => [f.at, f.summary])).toEqual([
      ['2026-01-12T10:30:00.000Z', 'partial NEWS2 (3 of 7 parameters): 5; SpO2 (scale 1) 2, pulse 2, temperature 1'],
    ])
    const outOfWindow = setup()
    const b = outOfWindow.engine.onReadings(planFor(PERSON), 'wrist-1', [{ metric: 'heart_rate', value: 115 }], t0)
    const c = outOfWindow.engine.onReadings(planFor(PERSON), 'wrist-1', [{ metric: 'spo2', value: 93 }], t0 + 10 * MIN)
    const d = outOfWindow.engine.onReadings(planFor(PERSON), 'wrist-1', [{ metric: 'body_temperature', value: 38.5 }], t0 + 30 * MIN + 1)
    expect([...b, ...c, ...d]).toEqual([])
  })

  it('counts NEWS2 readings 25 real minutes apart as one score across the spring-forward change (85 min on the wall clock)', () => {
    const h = setup()
    const found = drive(
      h,
      [reading(utc('2026-03-29T00:50:00Z'), 'heart_rate', 115), reading(utc('2026-03-29T01:05:00Z'), 'spo2', 93), reading(utc('2026-03-29T01:15:00Z'), 'body_temperature', 38.5)],
      utc('2026-03-29T00:50:00Z'),
      utc('2026-03-29T01:20:00Z'),
    )
    expect(found.map((f) => [f.at, f.kind, f.priority])).toEqual([['2026-03-29T01:15:00.000Z', 'news2', 'urgent']])
  })

  it('scores oxygen from an on_oxygen reading of 1, and SpO2 on scale 2 for a person set to it', () => {
    const h = setup([planFor(PERSON, { ...LONDON, news2Scale: 2 })])
    const plan = h.planOf(PERSON)
    if (!plan) throw new Error('no plan')
    const found = h.engine.onReadings(
      plan,
      'wrist-1',
      [
        { metric: 'on_oxygen', value: 1 },
        { metric: 'spo2', value: 97 },
      ],
      D1 + 10 * H,
    )
    expect(found.map((f) => [f.finding.kind, f.finding.summary])).toEqual([['news2', 'partial NEWS2 (2 of 7 parameters): 5; SpO2 (scale 2) 3, air or oxygen 2']])
  })

  it('judges a reading against the plan version passed in, restarting a pending threshold on a new version', () => {
    const h = setup()
    const v1 = planFor(PERSON, LONDON, 1)
    const v2 = planFor(PERSON, LONDON, 2)
    const t0 = D1 + 10 * H
    const spo2 = (plan: CarePlan, atMs: number): PersonFinding[] => h.engine.onReadings(plan, 'wrist-1', [{ metric: 'spo2', value: 90 }], atMs).filter((f) => f.finding.kind === 'threshold.spo2')
    expect([...spo2(v1, t0), ...spo2(v1, t0 + 4 * MIN), ...spo2(v2, t0 + 5 * MIN), ...spo2(v2, t0 + 10 * MIN - 1)]).toEqual([])
    expect(spo2(v2, t0 + 10 * MIN).map((f) => [f.version, f.finding.summary])).toEqual([[2, 'SpO2 90 %, below 92 % for 5 min']])
  })
})

// ---- A small in-test alert store, for the event path during an absence ----------------------------

function fakeAlertStore(): AlertStore & { all: Array<Alert & { foldKey: string }> } {
  const all: Array<Alert & { foldKey: string }> = []
  const history: Array<{ alertId: string; entry: AlertHistoryEntry }> = []
  return {
    all,
    transaction: (fn) => fn(),
    findOpen: (personId, foldKey) => all.find((a) => a.personId === personId && a.foldKey === foldKey && a.status !== 'resolved'),
    due: () => [],
    list: () => all.filter((a) => a.status !== 'resolved'),
    get: (id) => all.find((a) => a.id === id),
    insert(alert: NewAlert) {
      const stored = { ...alert, id: `a-${all.length + 1}`, personName: 'Ada' }
      all.push(stored)
      return stored
    },
    update(alert) {
      const i = all.findIndex((a) => a.id === alert.id)
      const current = all[i]
      if (current) all[i] = { ...current, ...alert }
    },
    addHistory: (alertId, entry) => void history.push({ alertId, entry }),
  }
}

describe('rules engine: the clock tick in slices', () => {
  const PEOPLE = ['p-1', 'p-2', 'p-3', 'p-4', 'p-5']

  /** Five people last seen moving at 08:00, with their motion sensors and pendants silent since then. */
  function quietHomes(): Harness {
    const h = setup(PEOPLE.map((p) => planFor(p)))
    h.engine.start(D1)
    h.engine.syncDevices(PEOPLE.flatMap((p) => [device(`motion-${p}`, 'motion-sensor', D1 + 8 * H, p), device(`pendant-${p}`, 'pendant', D1 + 8 * H, p, 3600)]))
    for (const p of PEOPLE) h.engine.onEvent(planFor(p), `motion-${p}`, { type: 'motion' }, D1 + 8 * H)
    return h
  }

  it('checks each person in exactly one slice, the devices with slice 0, and together finds what one whole tick finds', () => {
    const at = D1 + 12 * H
    const one = quietHomes()
    const whole = seen(at, one.engine.tick(at, one.planOf))
    const h = quietHomes()
    const slices = [0, 1, 2].map((index) => seen(at, h.engine.tick(at, h.planOf, { index, of: 3 })))

    const inactivity = (found: Seen[]): string[] => found.filter((f) => f.kind === 'inactivity').map((f) => f.personId)
    expect(inactivity(whole).sort()).toEqual(PEOPLE)
    expect(slices.map(inactivity)).toEqual([
      ['p-1', 'p-4'],
      ['p-2', 'p-5'],
      ['p-3'],
    ])
    // Every motion sensor and pendant is overdue: all ten found by slice 0 alone.
    expect(slices.map((s) => s.filter((f) => f.kind === 'device.offline').length)).toEqual([10, 0, 0])
    expect(slices.flat().map((f) => `${f.personId} ${f.kind}`).sort()).toEqual(whole.map((f) => `${f.personId} ${f.kind}`).sort())
  })
})
