import { describe, expect, it } from 'vitest'
import type { CarePlan, SavedRuleState } from '../../../alerting/ports.js'
import { createRulesEngine, type KnownDevice, type PersonFinding, type RulesEngine } from '../../../alerting/rules-engine.js'
import type { OpenAlert } from '../../../alerting/rules/rule.js'
import { DEFAULT_CARE_SETTINGS, thresholdsInForce, type CareSettings, type DeviceType, type EventType, type MetricName } from '../../../contract/index.js'

const MIN = 60_000
const H = 60 * MIN
const PERSON = 'p-ada'
const LONDON: CareSettings = { ...DEFAULT_CARE_SETTINGS, timeZone: 'Europe/London' }
/** A January Monday: London time is UTC. */
const D1 = Date.parse('2026-01-12T00:00:00Z')
const iso = (ms: number): string => new Date(ms).toISOString()

const PLAN: CarePlan = { personId: PERSON, version: 3, settings: LONDON, thresholds: thresholdsInForce([], LONDON.news2Scale) }
const planOf = (personId: string): CarePlan | undefined => (personId === PERSON ? PLAN : undefined)
/** Checking in daily, so that no device goes offline in these tests. */
const device = (id: string, type: DeviceType, lastSeenMs: number): KnownDevice => ({ id, type, personId: PERSON, checkInSeconds: 86_400, lastSeenMs })
const HOME = [device('motion-1', 'motion-sensor', D1), device('door-1', 'door-sensor', D1), device('bed-1', 'bed-sensor', D1), device('wrist-1', 'wearable', D1)]

interface Harness {
  engine: RulesEngine
  errors: string[]
}

/** An engine started at `atMs` over the home's devices; after a restart, with what was saved and the open alerts. */
function startEngine(atMs: number, saved: readonly SavedRuleState[] = [], open: readonly OpenAlert[] = [], lastActivityMs?: number): Harness {
  const errors: string[] = []
  const engine = createRulesEngine({
    absences: { activeAt: () => undefined },
    onRuleError(personId, rule, error) {
      errors.push(`${rule}: ${error instanceof Error ? error.message : String(error)}`)
      return { personId, deviceId: '', version: 0, finding: { action: 'fire', kind: 'rule.error', priority: 'technical', summary: `Rule ${rule} failed` } }
    },
  })
  engine.start(atMs)
  // Every device checked in a moment ago, so that only the rules under test speak.
  engine.syncDevices(HOME.map((d) => ({ ...d, lastSeenMs: atMs })))
  engine.restore(saved, open, new Map(lastActivityMs === undefined ? [] : [[PERSON, lastActivityMs]]))
  return { engine, errors }
}

/** What an engine saved, as the store keeps it: the latest state of each rule, cleared ones gone. */
function saveAll(engine: RulesEngine, store = new Map<string, SavedRuleState>()): SavedRuleState[] {
  for (const change of engine.takeSaves()) {
    const key = `${change.scope} ${change.owner} ${change.rule}`
    if (change.state === undefined) store.delete(key)
    else store.set(key, { ...change, state: change.state })
  }
  return [...store.values()]
}

const said = (found: PersonFinding[]): string[] => found.map((f) => `${f.finding.kind} ${f.finding.action}: ${f.finding.summary}`)
const reading = (h: Harness, atMs: number, metric: MetricName, value: number): string[] => said(h.engine.onReadings(PLAN, 'wrist-1', [{ metric, value }], atMs))
const event = (h: Harness, atMs: number, deviceId: string, type: EventType): string[] => said(h.engine.onEvent(PLAN, deviceId, { type }, atMs))

/** Ticks every minute from `fromMs` to `toMs` (exclusive): what fired, with when. */
function tickEveryMinute(h: Harness, fromMs: number, toMs: number): string[] {
  const out: string[] = []
  for (let t = fromMs; t < toMs; t += MIN) out.push(...said(h.engine.tick(t, planOf)).map((s) => `${iso(t)} ${s}`))
  return out
}

describe('rules engine: after a restart', () => {
  const t0 = D1 + 10 * H

  it('keeps a pending `for` time across a restart: the SpO2 threshold fires 5 min after its first low reading, not 5 min after the restart', () => {
    const before = startEngine(t0)
    for (let m = 0; m < 3; m++) expect(reading(before, t0 + m * MIN, 'spo2', 91).filter((s) => s.startsWith('threshold'))).toEqual([])
    const saved = saveAll(before.engine)
    expect(saved.map((s) => [s.scope, s.owner, s.rule])).toEqual([['person', PERSON, 'threshold']])

    const after = startEngine(t0 + 3 * MIN, saved)
    expect(reading(after, t0 + 3 * MIN, 'spo2', 91).filter((s) => s.startsWith('threshold'))).toEqual([])
    expect(reading(after, t0 + 5 * MIN - 1, 'spo2', 91).filter((s) => s.startsWith('threshold'))).toEqual([])
    expect(reading(after, t0 + 5 * MIN, 'spo2', 91).filter((s) => s.startsWith('threshold'))).toEqual(['threshold.spo2 fire: SpO2 91 %, below 92 % for 5 min'])

    // Without what was saved, the pending time would start again at the restart.
    const forgetful = startEngine(t0 + 3 * MIN)
    expect(reading(forgetful, t0 + 3 * MIN, 'spo2', 91).filter((s) => s.startsWith('threshold'))).toEqual([])
    expect(reading(forgetful, t0 + 5 * MIN, 'spo2', 91).filter((s) => s.startsWith('threshold'))).toEqual([])
  })

  it('keeps a night-door watch in progress across a restart: it fires 15 min after the door closed, and movement indoors ends it', () => {
    const night = D1 + 23 * H
    const before = startEngine(night - H)
    event(before, night, 'door-1', 'door.opened')
    event(before, night + 2 * MIN, 'door-1', 'door.closed')
    const saved = saveAll(before.engine)
    expect(saved.map((s) => s.rule)).toEqual(['night.door-exit'])

    const after = startEngine(night + 5 * MIN, saved)
    expect(tickEveryMinute(after, night + 5 * MIN, night + 30 * MIN)).toEqual([
      '2026-01-12T23:17:00.000Z night.door-exit fire: Door opened at night at 23:00 and no movement indoors since (15 min)',
    ])
    // Fired and waiting for movement indoors, as it would be without the restart.
    expect(event(after, night + 40 * MIN, 'motion-1', 'motion')).toEqual(['night.door-exit clear: movement indoors at 23:40'])
  })

  it('keeps a night-time bed exit across a restart, and forgets the watch once back in bed', () => {
    const night = D1 + 2 * H
    const before = startEngine(night - H)
    event(before, night, 'bed-1', 'bed.exit')
    const store = new Map<string, SavedRuleState>()
    const saved = saveAll(before.engine, store)
    expect(saved.map((s) => s.rule)).toEqual(['night.bed-exit'])

    const after = startEngine(night + 10 * MIN, saved)
    expect(tickEveryMinute(after, night + 10 * MIN, night + 50 * MIN)).toEqual([
      '2026-01-12T02:45:00.000Z night.bed-exit fire: Out of bed at night since 02:00 and not back after 45 min',
    ])
    expect(event(after, night + 55 * MIN, 'bed-1', 'bed.enter')).toEqual(['night.bed-exit clear: back in bed at 02:55'])
    expect(saveAll(after.engine, store)).toEqual([])
  })

  it('picks up from open alerts where nothing was saved (data from before saved states): no second alert, and the next reading or movement notes the condition cleared', () => {
    const open: OpenAlert[] = [
      { personId: PERSON, deviceId: 'motion-1', kind: 'inactivity', priority: 'urgent', raisedAtMs: t0 - H },
      { personId: PERSON, deviceId: 'wrist-1', kind: 'threshold.heart_rate', priority: 'urgent', raisedAtMs: t0 - H },
      { personId: PERSON, deviceId: 'wrist-1', kind: 'news2', priority: 'urgent', raisedAtMs: t0 - H },
    ]
    const h = startEngine(t0, [], open, t0 - 2 * H)
    expect(tickEveryMinute(h, t0, t0 + 10 * MIN)).toEqual([])
    expect(reading(h, t0 + 10 * MIN, 'heart_rate', 140)).toEqual([])
    expect(reading(h, t0 + 11 * MIN, 'heart_rate', 72)).toEqual(['threshold.heart_rate clear: Pulse back to 72 beat/min', 'news2 clear: partial NEWS2 (1 of 7 parameters): 0: below the alert bands'])
    expect(event(h, t0 + 12 * MIN, 'motion-1', 'motion')).toEqual(['inactivity clear: activity again at 10:12'])
  })

  it('saves nothing for ordinary life: readings inside the bands and a door opened by day change no saved state', () => {
    const h = startEngine(t0)
    for (let m = 0; m < 30; m++) reading(h, t0 + m * MIN, 'heart_rate', 70 + (m % 5))
    event(h, t0 + 31 * MIN, 'door-1', 'door.opened')
    event(h, t0 + 32 * MIN, 'door-1', 'door.closed')
    expect(h.engine.takeSaves()).toEqual([])
  })

  it('reports a saved state it cannot read as a rule error, and the rule starts afresh', () => {
    const h = startEngine(t0, [{ scope: 'person', owner: PERSON, rule: 'night.door-exit', state: '{not json' }])
    expect(h.errors).toEqual([expect.stringMatching(/^night\.door-exit: /)])
    expect(said(h.engine.tick(t0, planOf))).toEqual(['rule.error fire: Rule night.door-exit failed'])
    expect(tickEveryMinute(h, t0 + MIN, t0 + H)).toEqual([])
  })
})
