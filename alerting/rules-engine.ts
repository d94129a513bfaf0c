import type { Logger } from 'pino'
import type { DeviceEvent, DeviceStatus, DeviceType, MetricName } from '../contract/index.js'
import type { AbsenceCalendar, CarePlan, CarePlans } from './ports.js'
import { onBedEvent, tickBedExit, type BedExitState } from './rules/bed-exit-rule.js'
import { onDeviceSeen, onDeviceWill, tickDeviceOffline, type DeviceWatch } from './rules/device-offline-rule.js'
import { evaluateInactivity, type InactivityState } from './rules/inactivity-rule.js'
import { evaluateBattery } from './rules/low-battery-rule.js'
import { NEWS2_KIND, NEWS2_WINDOW_MS, evaluateNews2, type News2Inputs, type News2State } from './rules/news2-rule.js'
import { onNightDoorEvent, tickNightDoor, type NightDoorState } from './rules/night-door-rule.js'
import { silencedByAbsence } from './rules/planned-absence.js'
import type { RuleFinding } from './rules/rule-finding.js'
import { evaluateThreshold, thresholdKind, type ThresholdState } from './rules/threshold-rule.js'

/** Events that show someone is up and about at home (inactivity rule). */
const ACTIVITY: ReadonlySet<DeviceEvent['type']> = new Set([
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
}

export interface KnownDevice {
  id: string
  type: DeviceType
  personId: string
  checkInSeconds: number | null
  /** Last message, or when it was provisioned if it has never spoken. */
  lastSeenMs: number
  online: boolean | null
}

interface WatchedDevice extends DeviceWatch {
  personId: string
  batteryLow: boolean
}

export interface RulesEngineDeps {
  carePlans: CarePlans
  absences: AbsenceCalendar
  logger: Logger
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
  const devices = new Map<string, WatchedDevice>()
  let startedAtMs = 0

  const personState = (personId: string): PersonState => {
    let state = persons.get(personId)
    if (!state) {
      state = { latest: new Map(), thresholds: new Map(), lastActivityMs: startedAtMs }
      persons.set(personId, state)
    }
    return state
  }

  /** Rules that threw during the current input, reported as findings of their own. */
  let failures: PersonFinding[] = []

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

  const takeFailures = (): PersonFinding[] => {
    const taken = failures
    failures = []
    return taken
  }

  const collect = (plan: CarePlan, deviceId: string, atMs: number, findings: Array<RuleFinding | undefined>): PersonFinding[] => {
    const failed = takeFailures()
    const absent = findings.some((f) => f?.action === 'fire' && silencedByAbsence(f.kind)) && deps.absences.activeAt(plan.personId, atMs) !== undefined
    return findings
      .filter((f): f is RuleFinding => f !== undefined)
      .filter((f) => !(absent && f.action === 'fire' && silencedByAbsence(f.kind)))
      .map((finding) => ({ personId: plan.personId, deviceId: finding.deviceId ?? deviceId, finding, version: plan.version }))
      .concat(failed)
  }

  const watch = (device: KnownDevice): WatchedDevice => ({
    deviceId: device.id,
    type: device.type,
    checkInSeconds: device.checkInSeconds,
    personId: device.personId,
    lastSeenMs: Math.max(device.lastSeenMs, startedAtMs),
    batteryLow: false,
  })

  /** Device check-ins and the offline rule, for any message from the device. */
  const seen = (deviceId: string, atMs: number): RuleFinding | undefined => {
    const device = devices.get(deviceId)
    if (!device) return undefined
    const result = onDeviceSeen(device, atMs)
    devices.set(deviceId, { personId: device.personId, batteryLow: device.batteryLow, ...result.device })
    return result.finding
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
        else if (metric in { respiratory_rate: 1, spo2: 1, systolic_bp: 1, heart_rate: 1, body_temperature: 1 }) inputs[metric as Exclude<keyof News2Inputs, 'on_oxygen'>] = reading.value
      }
      const result = evaluateNews2(state.news2, inputs, plan.settings.news2Scale)
      state.news2 = result.state
      return result.finding
    })

  return {
    /** Sets the moment silence starts counting from for anything not yet heard from. */
    start(nowMs: number): void {
      startedAtMs = nowMs
    },

    /** The devices to watch: new ones are added, moved or changed ones updated, removed ones dropped. */
    syncDevices(known: readonly KnownDevice[]): void {
      const ids = new Set<string>()
      for (const device of known) {
        ids.add(device.id)
        personState(device.personId)
        const current = devices.get(device.id)
        devices.set(
          device.id,
          current
            ? { ...current, type: device.type, checkInSeconds: device.checkInSeconds, personId: device.personId, lastSeenMs: Math.max(current.lastSeenMs, device.lastSeenMs) }
            : watch(device),
        )
      }
      for (const id of devices.keys()) if (!ids.has(id)) devices.delete(id)
    },

    /** State that outlives a restart comes back from what is stored: open alerts and recent activity. */
    restore(open: ReadonlyArray<{ personId: string; deviceId: string; kind: string; raisedAtMs: number }>, lastActivity: ReadonlyMap<string, number>): void {
      for (const [personId, atMs] of lastActivity) personState(personId).lastActivityMs = Math.max(atMs, startedAtMs)
      for (const alert of open) {
        const state = personState(alert.personId)
        if (alert.kind === 'inactivity') state.inactivity = { firing: true, firedAtMs: alert.raisedAtMs }
        else if (alert.kind === NEWS2_KIND) state.news2 = { priority: 'urgent' }
        else if (alert.kind === 'device.offline') {
          const device = devices.get(alert.deviceId)
          if (device) devices.set(alert.deviceId, { ...device, offlineSinceMs: alert.raisedAtMs })
        } else if (alert.kind === 'device.battery-low') {
          const device = devices.get(alert.deviceId)
          if (device) devices.set(alert.deviceId, { ...device, batteryLow: true })
        }
      }
    },

    onReadings(plan: CarePlan, deviceId: string, readings: ReadonlyArray<{ metric: MetricName; value: number }>, receivedAtMs: number): PersonFinding[] {
      const state = personState(plan.personId)
      const findings: Array<RuleFinding | undefined> = [seen(deviceId, receivedAtMs)]
      for (const r of readings) {
        state.latest.set(r.metric, { value: r.value, atMs: receivedAtMs })
        findings.push(judgeReading(plan, state, r.metric, r.value, receivedAtMs))
      }
      if (readings.length > 0) findings.push(judgeNews2(plan, state, receivedAtMs))
      return collect(plan, deviceId, receivedAtMs, findings)
    },

    onEvent(plan: CarePlan, deviceId: string, event: Pick<DeviceEvent, 'type'>, atMs: number): PersonFinding[] {
      const state = personState(plan.personId)
      const findings: Array<RuleFinding | undefined> = [seen(deviceId, atMs)]
      const settings = plan.settings
      if (ACTIVITY.has(event.type)) {
        state.lastActivityMs = Math.max(state.lastActivityMs, atMs)
        state.lastDeviceId = deviceId
        findings.push(
          guarded(plan.personId, 'inactivity', () => {
            const result = evaluateInactivity(state.inactivity, { nowMs: atMs, lastActivityMs: state.lastActivityMs }, settings)
            state.inactivity = result.state
            return result.finding
          }),
        )
      }
      findings.push(
        guarded(plan.personId, 'night.door-exit', () => {
          const result = onNightDoorEvent(state.door, { type: event.type, atMs }, settings)
          state.door = result.state
          return result.finding
        }),
        guarded(plan.personId, 'night.bed-exit', () => {
          const result = onBedEvent(state.bed, { type: event.type, atMs }, settings)
          state.bed = result.state
          return result.finding
        }),
      )
      return collect(plan, deviceId, atMs, findings)
    },

    onStatus(plan: CarePlan, deviceId: string, status: DeviceStatus, atMs: number): PersonFinding[] {
      const findings: Array<RuleFinding | undefined> = []
      const device = devices.get(deviceId)
      if (!status.online && device) {
        const result = onDeviceWill(device, atMs)
        devices.set(deviceId, { personId: device.personId, batteryLow: device.batteryLow, ...result.device })
        findings.push(result.finding)
      } else {
        findings.push(seen(deviceId, atMs))
      }
      const current = devices.get(deviceId)
      if (status.battery !== undefined && current) {
        const result = guarded(plan.personId, 'device.battery-low', () => evaluateBattery(current.batteryLow, status.battery as number, deviceId))
        if (result) {
          devices.set(deviceId, { ...current, batteryLow: result.low })
          findings.push(result.finding)
        }
      }
      return collect(plan, deviceId, atMs, findings)
    },

    /** The clock tick: silence rules (inactivity, night door and bed, devices offline). */
    tick(nowMs: number, planOf: (personId: string) => CarePlan | undefined): PersonFinding[] {
      const out: PersonFinding[] = []
      const absent = (personId: string): boolean => deps.absences.activeAt(personId, nowMs) !== undefined
      for (const [personId, state] of persons) {
        const plan = planOf(personId)
        if (!plan) continue
        if (absent(personId)) {
          // An empty home is quiet by design: silence counts again from the end of the absence.
          state.lastActivityMs = nowMs
          continue
        }
        const settings = plan.settings
        const deviceId = state.lastDeviceId ?? ''
        out.push(
          ...collect(plan, deviceId, nowMs, [
            guarded(plan.personId, 'inactivity', () => {
              const result = evaluateInactivity(state.inactivity, { nowMs, lastActivityMs: state.lastActivityMs }, settings)
              state.inactivity = result.state
              return result.finding
            }),
            guarded(plan.personId, 'night.door-exit', () => {
              const result = tickNightDoor(state.door, nowMs, settings)
              state.door = result.state
              return result.finding
            }),
            guarded(plan.personId, 'night.bed-exit', () => {
              const result = tickBedExit(state.bed, nowMs, settings)
              state.bed = result.state
              return result.finding
            }),
          ]),
        )
      }
      for (const [deviceId, device] of devices) {
        if (absent(device.personId)) {
          devices.set(deviceId, { ...device, lastSeenMs: Math.max(device.lastSeenMs, nowMs) })
          continue
        }
        const result = guarded(device.personId, 'device.offline', () => tickDeviceOffline(device, nowMs))
        const plan = planOf(device.personId)
        if (result) devices.set(deviceId, { personId: device.personId, batteryLow: device.batteryLow, ...result.device })
        if (plan && (result?.finding || failures.length > 0)) out.push(...collect(plan, deviceId, nowMs, [result?.finding]))
      }
      return out
    },

    /** Whether the device is among those watched (a newly provisioned one is not, until the next sync). */
    knows(deviceId: string): boolean {
      return devices.has(deviceId)
    },

    /** Makes sure a person is watched by the silence rules from now on (a new person, a new device). */
    watchPerson(personId: string): void {
      personState(personId)
    },
  }
}

export type RulesEngine = ReturnType<typeof createRulesEngine>
