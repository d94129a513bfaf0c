import type { DeviceEvent, DeviceStatus, DeviceType, MetricName, Priority } from '../contract/index.js'
import { createDeviceWatch, type KnownDevice } from './device-watch.js'
import type { AbsenceCalendar, CarePlan } from './ports.js'
import { onBedEvent, tickBedExit, type BedExitState } from './rules/bed-exit-rule.js'
import { INACTIVITY_KIND, evaluateInactivity, type InactivityState } from './rules/inactivity-rule.js'
import { NEWS2_KIND, NEWS2_WINDOW_MS, evaluateNews2, type News2Inputs, type News2State } from './rules/news2-rule.js'
import { onNightDoorEvent, tickNightDoor, type NightDoorState } from './rules/night-door-rule.js'
import { silencedByAbsence } from './rules/planned-absence.js'
import type { RuleFinding } from './rules/rule-finding.js'
import { evaluateThreshold, thresholdKind, type ThresholdState } from './rules/threshold-rule.js'

export type { KnownDevice } from './device-watch.js'

/** Events that show someone is up and about at home (inactivity rule). */
export const ACTIVITY_EVENTS: ReadonlySet<DeviceEvent['type']> = new Set([
  'motion',
  'door.opened',
  'door.closed',
  'bed.exit',
  'bed.enter',
  'chair.exit',
  'chair.enter',
  'medication.taken',
  'alarm.pressed',
  'alarm.cancelled',
])

/** Sensors that report activity: without one, silence means nothing and the inactivity rule stays off. */
const ACTIVITY_SENSORS: readonly DeviceType[] = ['motion-sensor', 'door-sensor', 'bed-sensor', 'chair-sensor']

const NEWS2_METRICS = new Set<MetricName>(['respiratory_rate', 'spo2', 'systolic_bp', 'heart_rate', 'body_temperature'])

/** A finding for one person, with the device that gave rise to it. */
export interface PersonFinding {
  personId: string
  deviceId: string
  finding: RuleFinding
  /** The care settings version it was judged against. */
  version: number
}

interface PersonState {
  latest: Map<MetricName, { value: number; atMs: number }>
  thresholds: Map<MetricName, ThresholdState>
  news2?: News2State
  lastActivityMs: number
  inactivity?: InactivityState
  door?: NightDoorState
  bed?: BedExitState
  /** The device that last showed activity, so silence alerts name where to look. */
  lastDeviceId?: string
  /** Which slice of the clock tick checks this person (see `tick`). */
  slot: number
}

/** Part of the clock tick: the people whose slot is `index` modulo `of`, and the device watch with slice 0. */
export interface TickSlice {
  index: number
  of: number
}

export interface RulesEngineDeps {
  absences: AbsenceCalendar
  /** Called when a rule throws: the failure becomes a technical alert, never a quiet gap. */
  onRuleError: (personId: string, rule: string, error: unknown) => PersonFinding | undefined
}

/**
 * Runs every rule for every person, on each input and on the clock tick. Holds only evaluation
 * state (what each rule is waiting for); alerts and their lifecycle stay with the alerting
 * service, which applies the findings. Time always comes in as an argument.
 */
export function createRulesEngine(deps: RulesEngineDeps) {
  const persons = new Map<string, PersonState>()
  const devices = createDeviceWatch()
  let startedAtMs = 0
  let failures: PersonFinding[] = []

  const personState = (personId: string): PersonState => {
    let state = persons.get(personId)
    if (!state) {
      state = { latest: new Map(), thresholds: new Map(), lastActivityMs: startedAtMs, slot: persons.size }
      persons.set(personId, state)
    }
    return state
  }

  const absent = (personId: string, atMs: number): boolean => deps.absences.activeAt(personId, atMs) !== undefined

  /** Runs one rule; a throw is reported (a technical alert), never a quiet gap. */
  const guarded = <T>(personId: string, rule: string, fn: () => T): T | undefined => {
    try {
      return fn()
    } catch (error) {
      const failure = deps.onRuleError(personId, rule, error)
      if (failure) failures.push(failure)
      return undefined
    }
  }

  /** What the rules found, less what a planned absence silences, with any rule failures. */
  const collect = (plan: CarePlan, deviceId: string, atMs: number, findings: Array<RuleFinding | undefined>): PersonFinding[] => {
    const failed = failures
    failures = []
    const silenced = findings.some((f) => f?.action === 'fire' && silencedByAbsence(f.kind)) && absent(plan.personId, atMs)
    return findings
      .filter((f): f is RuleFinding => f !== undefined && !(silenced && f.action === 'fire' && silencedByAbsence(f.kind)))
      .map((finding) => ({ personId: plan.personId, deviceId: finding.deviceId ?? deviceId, finding, version: plan.version }))
      .concat(failed)
  }

  const judgeReading = (plan: CarePlan, state: PersonState, metric: MetricName, value: number, atMs: number): RuleFinding | undefined => {
    const rule = plan.thresholds.find((t) => t.metric === metric)
    if (!rule) return undefined
    return guarded(plan.personId, thresholdKind(metric), () => {
      const result = evaluateThreshold(state.thresholds.get(metric), { value, atMs }, rule, plan.version)
      state.thresholds.set(metric, result.state)
      return result.finding
    })
  }

  const judgeNews2 = (plan: CarePlan, state: PersonState, atMs: number): RuleFinding | undefined =>
    guarded(plan.personId, NEWS2_KIND, () => {
      const inputs: News2Inputs = {}
      for (const [metric, reading] of state.latest) {
        if (atMs - reading.atMs > NEWS2_WINDOW_MS) continue
        if (metric === 'on_oxygen') inputs.on_oxygen = reading.value === 1
        else if (NEWS2_METRICS.has(metric)) inputs[metric as Exclude<keyof News2Inputs, 'on_oxygen'>] = reading.value
      }
      const result = evaluateNews2(state.news2, inputs, plan.settings.news2Scale)
      state.news2 = result.state
      return result.finding
    })

  const judgeInactivity = (plan: CarePlan, state: PersonState, nowMs: number): RuleFinding | undefined =>
    guarded(plan.personId, INACTIVITY_KIND, () => {
      const result = evaluateInactivity(state.inactivity, { nowMs, lastActivityMs: state.lastActivityMs }, plan.settings)
      state.inactivity = result.state
      return result.finding
    })

  const hasActivitySensor = (personId: string): boolean => {
    const types = devices.typesOf(personId)
    return ACTIVITY_SENSORS.some((t) => types.has(t))
  }

  /** The silence rules for one person on the clock; each runs only where its sensors are. */
  const tickPerson = (plan: CarePlan, state: PersonState, nowMs: number): PersonFinding[] => {
    const findings: Array<RuleFinding | undefined> = []
    if (hasActivitySensor(plan.personId)) findings.push(judgeInactivity(plan, state, nowMs))
    findings.push(
      guarded(plan.personId, 'night.door-exit', () => {
        const result = tickNightDoor(state.door, nowMs, plan.settings)
        state.door = result.state
        return result.finding
      }),
      guarded(plan.personId, 'night.bed-exit', () => {
        const result = tickBedExit(state.bed, nowMs, plan.settings)
        state.bed = result.state
        return result.finding
      }),
    )
    return collect(plan, state.lastDeviceId ?? '', nowMs, findings)
  }

  return {
    /** Silence counts from this moment for anyone and anything not yet heard from. */
    start(nowMs: number): void {
      startedAtMs = nowMs
      devices.start(nowMs)
    },

    /** The devices to watch (added, moved, changed, removed), and so the people. */
    syncDevices(known: readonly KnownDevice[]): void {
      devices.sync(known)
      for (const personId of devices.persons()) personState(personId)
    },

    knows: (deviceId: string): boolean => devices.knows(deviceId),

    /** State that outlives a restart comes back from what is stored: open alerts and the last activity. */
    restore(
      open: ReadonlyArray<{ personId: string; deviceId: string; kind: string; priority: Priority; raisedAtMs: number }>,
      lastActivity: ReadonlyMap<string, number>,
    ): void {
      for (const [personId, atMs] of lastActivity) personState(personId).lastActivityMs = atMs
      for (const alert of open) {
        const state = personState(alert.personId)
        if (alert.kind === INACTIVITY_KIND) state.inactivity = { firing: true, firedAtMs: alert.raisedAtMs }
        else if (alert.kind === NEWS2_KIND) state.news2 = { priority: alert.priority }
        else if (alert.kind.startsWith('threshold.')) {
          // Firing until a reading clears it; a firing state survives a new version (threshold-rule.ts).
          state.thresholds.set(alert.kind.slice('threshold.'.length) as MetricName, { phase: 'firing', sinceMs: alert.raisedAtMs, version: -1, firedAtMs: [alert.raisedAtMs] })
        } else devices.restore(alert.deviceId, alert.kind, alert.raisedAtMs)
      }
    },

    onReadings(plan: CarePlan, deviceId: string, readings: ReadonlyArray<{ metric: MetricName; value: number }>, receivedAtMs: number): PersonFinding[] {
      const state = personState(plan.personId)
      const findings: Array<RuleFinding | undefined> = [devices.seen(deviceId, receivedAtMs)]
      for (const r of readings) {
        state.latest.set(r.metric, { value: r.value, atMs: receivedAtMs })
        findings.push(judgeReading(plan, state, r.metric, r.value, receivedAtMs))
      }
      if (readings.length > 0) findings.push(judgeNews2(plan, state, receivedAtMs))
      return collect(plan, deviceId, receivedAtMs, findings)
    },

    onEvent(plan: CarePlan, deviceId: string, event: Pick<DeviceEvent, 'type'>, atMs: number): PersonFinding[] {
      const state = personState(plan.personId)
      const findings: Array<RuleFinding | undefined> = [devices.seen(deviceId, atMs)]
      if (ACTIVITY_EVENTS.has(event.type)) {
        state.lastActivityMs = Math.max(state.lastActivityMs, atMs)
        state.lastDeviceId = deviceId
        if (state.inactivity?.firing) findings.push(judgeInactivity(plan, state, atMs))
      }
      // A planned absence: whoever opens the door or gets into bed (a visitor, a carer) starts no watch.
      if (!absent(plan.personId, atMs)) {
        findings.push(
          guarded(plan.personId, 'night.door-exit', () => {
            const result = onNightDoorEvent(state.door, { type: event.type, atMs }, plan.settings)
            state.door = result.state
            return result.finding
          }),
          guarded(plan.personId, 'night.bed-exit', () => {
            const result = onBedEvent(state.bed, { type: event.type, atMs }, plan.settings)
            state.bed = result.state
            return result.finding
          }),
        )
      }
      return collect(plan, deviceId, atMs, findings)
    },

    onStatus(plan: CarePlan, deviceId: string, status: DeviceStatus, atMs: number): PersonFinding[] {
      const found = guarded(plan.personId, 'device.status', () => devices.status(deviceId, status, atMs, absent(plan.personId, atMs))) ?? []
      return collect(plan, deviceId, atMs, found)
    },

    /**
     * The clock tick: inactivity, night door and bed, devices offline. With a slice, only that
     * part of the people (and the device watch with slice 0), so that a tick over thousands of
     * people can be spread over the second instead of holding the event loop in one piece.
     */
    tick(nowMs: number, planOf: (personId: string) => CarePlan | undefined, slice?: TickSlice): PersonFinding[] {
      const out: PersonFinding[] = []
      for (const [personId, state] of persons) {
        if (slice && state.slot % slice.of !== slice.index) continue
        if (absent(personId, nowMs)) {
          // An empty home is quiet by design: silence counts again from the end of the absence,
          // and no watch begun before or during it carries over.
          state.lastActivityMs = nowMs
          state.door = undefined
          state.bed = undefined
          continue
        }
        // Nothing on the clock for someone with no activity sensor and no night watch under way.
        if (state.door === undefined && state.bed === undefined && !hasActivitySensor(personId)) continue
        const plan = planOf(personId)
        if (plan) out.push(...tickPerson(plan, state, nowMs))
      }
      if (slice && slice.index !== 0) return out
      const offline = guarded('', 'device.offline', () => devices.tick(nowMs, (personId) => absent(personId, nowMs))) ?? []
      for (const { personId, finding } of offline) {
        const plan = planOf(personId)
        if (plan) out.push(...collect(plan, finding.deviceId ?? '', nowMs, [finding]))
      }
      return out
    },
  }
}

export type RulesEngine = ReturnType<typeof createRulesEngine>
