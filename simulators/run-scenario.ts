import type { Alert } from '../contract/index.js'
import type { ApiClient } from './api-client.js'
import { MINUTE, type ExpectedAlert, type Scenario, type ScenarioStep } from './scenarios/scenario.js'
import { VirtualDevice } from './virtual-device.js'

/** Moves the platform's clock to an offset from the scenario's start and lets its tick run there. */
interface ScenarioClock {
  advanceTo(offsetMs: number): Promise<void>
}

export interface ScenarioOptions {
  /** Signed in as a user who may create people, provision devices and set thresholds. */
  api: ApiClient
  mqttUrl: string
  clock: ScenarioClock
  log: (line: string) => void
  /** Print each alert as it is raised or changes, not only at the end. */
  follow?: boolean
}

export interface ScenarioResult {
  personId: string
  /** The person's alerts in the order they were raised. */
  alerts: Alert[]
  /** Each expectation, met or not, in words. */
  checks: Array<{ ok: boolean; text: string }>
  ok: boolean
}

/** Devices send a status check-in this often unless the scenario has silenced them. */
const CHECK_IN_MS = 10 * MINUTE
const DEFAULT_TICK_MS = 30_000
const SETTLE_TIMEOUT_MS = 15_000
const INPUTS = ['readings', 'status', 'events'] as const
type Input = (typeof INPUTS)[number]

const localClock = (iso: string, timeZone: string): string =>
  new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(Date.parse(iso))

type Moment = ScenarioStep | { atMs: number; device: string; checkIn: true }

/** Status check-ins for every device, except while a scenario step has silenced it. */
function checkIns(scenario: Scenario): Moment[] {
  const out: Moment[] = []
  for (const device of Object.keys(scenario.devices)) {
    const own = scenario.steps.filter((s) => s.device === device).sort((a, b) => a.atMs - b.atMs)
    for (let atMs = CHECK_IN_MS; atMs <= scenario.durationMs; atMs += CHECK_IN_MS) {
      const last = own.filter((s) => s.atMs <= atMs).at(-1)
      if (!last || !('silent' in last)) out.push({ atMs, device, checkIn: true })
    }
  }
  return out
}

/**
 * Plays a scenario through the real platform: provisions the person and devices over the API,
 * then, moment by moment, moves the platform's clock, sends what each device says over MQTT and
 * waits until the rules have judged it. Returns the alerts raised and how they compare.
 */
export async function runScenario(scenario: Scenario, options: ScenarioOptions): Promise<ScenarioResult> {
  const { api, log } = options
  await options.clock.advanceTo(0)
  const person = await api.createPerson('Rose Evans', { timeZone: scenario.timeZone })
  if (scenario.thresholds) await api.putThresholds(person.id, scenario.thresholds, `scenario ${scenario.name}`)
  const devices = new Map<string, VirtualDevice>()
  const sent: Record<Input, number> = { readings: 0, status: 0, events: 0 }
  const baseline = Object.fromEntries(await Promise.all(INPUTS.map(async (i) => [i, await api.metric(`hearth_rule_inputs_total{input="${i}"}`)]))) as Record<Input, number>
  for (const [key, spec] of Object.entries(scenario.devices)) {
    const credentials = await api.provisionDevice(spec.type, person.id, spec.checkInSeconds === undefined ? {} : { checkInSeconds: spec.checkInSeconds })
    const device = new VirtualDevice(credentials, options.mqttUrl)
    await device.connect()
    sent.status++
    devices.set(key, device)
  }

  const settle = async (): Promise<void> => {
    const deadline = Date.now() + SETTLE_TIMEOUT_MS
    for (const input of INPUTS) {
      while ((await api.metric(`hearth_rule_inputs_total{input="${input}"}`)) < baseline[input] + sent[input]) {
        if (Date.now() > deadline) throw new Error(`the platform did not judge every ${input} message within ${SETTLE_TIMEOUT_MS / 1000} s`)
        await new Promise((resolve) => setTimeout(resolve, 5))
      }
    }
  }

  const send = async (step: Moment): Promise<void> => {
    const device = devices.get(step.device)
    if (!device) throw new Error(`scenario ${scenario.name}: no device "${step.device}"`)
    if ('checkIn' in step) {
      await device.status({ online: true, battery: 0.9 })
      sent.status++
    } else if ('readings' in step) {
      await device.readings(step.readings, 1)
      sent.readings++
    } else if ('event' in step) {
      await device.event(step.event, step.data ?? {})
      sent.events++
    }
  }

  const describe = (alert: Alert): string =>
    `${localClock(alert.raisedAt, scenario.timeZone)} ${alert.id} ${alert.priority} ${alert.kind} (${alert.status}` +
    `${alert.escalationLevel > 0 ? `, escalation ${alert.escalationLevel}` : ''}${alert.flapping ? ', flapping' : ''}${alert.clearedAt ? ', cleared' : ''}): ${alert.summary ?? ''}`
  const shown = new Map<string, string>()
  const follow = async (moment: number): Promise<void> => {
    const at = localClock(new Date(Date.parse(scenario.start) + moment).toISOString(), scenario.timeZone)
    for (const alert of await api.alertsOf(person.id)) {
      const line = describe(alert)
      if (shown.get(alert.id) !== line) log(`[${at}] ${line}`)
      shown.set(alert.id, line)
    }
  }

  try {
    await settle()
    const timeline: Moment[] = [...scenario.steps, ...checkIns(scenario)].sort((a, b) => a.atMs - b.atMs)
    const tickMs = scenario.tickMs ?? DEFAULT_TICK_MS
    const moments = new Set<number>(timeline.map((s) => s.atMs))
    for (let t = 0; t <= scenario.durationMs; t += tickMs) moments.add(t)
    let next = 0
    for (const moment of [...moments].sort((a, b) => a - b)) {
      await options.clock.advanceTo(moment)
      while (next < timeline.length && (timeline[next]?.atMs ?? Infinity) <= moment) {
        await send(timeline[next] as Moment)
        next++
      }
      await settle()
      if (options.follow) await follow(moment)
    }
    const alerts = (await api.alertsOf(person.id)).sort((a, b) => Number(a.id.slice(2)) - Number(b.id.slice(2)))
    if (!options.follow) for (const alert of alerts) log(describe(alert))
    const histories = new Map(await Promise.all(alerts.map(async (a) => [a.id, await api.alertHistory(a.id)] as const)))
    const checks = compare(scenario, alerts, (id) => (histories.get(id) ?? []).map((h) => `${h.action}: ${h.detail ?? ''}`))
    return { personId: person.id, alerts, checks, ok: checks.every((c) => c.ok) }
  } finally {
    await Promise.all([...devices.values()].map((d) => d.close()))
  }
}

/** The expected alerts, in order, and no others. */
function compare(scenario: Scenario, alerts: readonly Alert[], historyOf: (alertId: string) => string[]): Array<{ ok: boolean; text: string }> {
  const checks: Array<{ ok: boolean; text: string }> = []
  const check = (ok: boolean, text: string): void => void checks.push({ ok, text })
  scenario.expected.forEach((want, i) => {
    const got = alerts[i]
    const label = `#${i + 1} ${want.priority} ${want.kind} at ${want.raisedAt}`
    if (!got) return check(false, `${label}: not raised`)
    check(got.kind === want.kind && got.priority === want.priority, `${label}: got ${got.priority} ${got.kind}`)
    check(localClock(got.raisedAt, scenario.timeZone) === want.raisedAt, `${label}: raised at ${localClock(got.raisedAt, scenario.timeZone)}`)
    for (const problem of mismatches(want, got)) check(false, `${label}: ${problem}`)
    if (want.history !== undefined) check(historyOf(got.id).some((h) => h.includes(want.history ?? '')), `${label}: history mentions "${want.history}"`)
  })
  for (const extra of alerts.slice(scenario.expected.length)) check(false, `unexpected ${extra.priority} ${extra.kind} at ${localClock(extra.raisedAt, scenario.timeZone)}: ${extra.summary ?? ''}`)
  return checks
}

function mismatches(want: ExpectedAlert, got: Alert): string[] {
  const problems: string[] = []
  if (want.status !== undefined && got.status !== want.status) problems.push(`status ${got.status}, expected ${want.status}`)
  if (want.outcome !== undefined && got.outcome !== want.outcome) problems.push(`outcome ${got.outcome ?? 'none'}, expected ${want.outcome}`)
  if (want.flapping !== undefined && got.flapping !== want.flapping) problems.push(`flapping ${got.flapping}, expected ${want.flapping}`)
  if (want.minOccurrences !== undefined && got.occurrences < want.minOccurrences) problems.push(`${got.occurrences} occurrences, expected at least ${want.minOccurrences}`)
  if (want.escalationLevel !== undefined && got.escalationLevel !== want.escalationLevel) problems.push(`escalation level ${got.escalationLevel}, expected ${want.escalationLevel}`)
  if (want.cleared !== undefined && (got.clearedAt !== null) !== want.cleared) problems.push(want.cleared ? 'condition not cleared' : 'condition cleared')
  if (want.summary !== undefined && !(got.summary ?? '').includes(want.summary)) problems.push(`summary "${got.summary ?? ''}" lacks "${want.summary}"`)
  return problems
}
