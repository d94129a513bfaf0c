import type { DeviceEvent, DeviceStatus, MetricName } from '../contract/index.js'
import { createDeviceWatch, type KnownDevice, type RuleStates, type RunRule } from './device-watch.js'
import type { AbsenceCalendar, CarePlan, RuleStateChange, SavedRuleState } from './ports.js'
import { DEVICE_RULES, FILTERS, PERSON_RULES, PERSON_WATCHING, RULE_OF_KIND, type Placed } from './rules/registry.js'
import { ACTIVITY_EVENTS, judge, type Home, type OpenAlert, type PersonRule, type Rule, type RuleInput } from './rules/rule.js'
import type { RuleFinding } from './rules/rule-finding.js'

export type { KnownDevice } from './device-watch.js'
export { ACTIVITY_EVENTS } from './rules/rule.js'

/** A finding for one person, with the device that gave rise to it. */
export interface PersonFinding {
  personId: string
  deviceId: string
  finding: RuleFinding
  /** The care settings version it was judged against. */
  version: number
}

interface PersonState extends RuleStates {
  personId: string
  lastActivityMs: number
  /** The device that last showed activity, so silence alerts name where to look. */
  lastDeviceId?: string
  /** Which slice of the clock tick checks this person (see `tick`). */
  slot: number
}

/** Part of the clock tick: the people whose slot is `index` modulo `of`, and the device rules with slice 0. */
export interface TickSlice {
  index: number
  of: number
}

export interface RulesEngineDeps {
  absences: AbsenceCalendar
  /** Called when a rule throws: the failure becomes a technical alert, never a quiet gap. */
  onRuleError: (personId: string, rule: string, error: unknown) => PersonFinding | undefined
}

const RULE_OF_ID: ReadonlyMap<string, Placed> = new Map([...PERSON_RULES, ...DEVICE_RULES].map((p) => [p.rule.id, p]))
const NONE: readonly RuleFinding[] = []
const keyOf = (scope: string, owner: string, rule: string): string => `${scope}\n${owner}\n${rule}`

/**
 * Runs every rule of the registry for every person and device, on each input and on the clock
 * tick. Holds only evaluation state (what each rule is waiting for); alerts and their lifecycle
 * stay with the alerting service, which applies the findings. Time always comes in as an argument.
 */
export function createRulesEngine(deps: RulesEngineDeps) {
  const persons = new Map<string, PersonState>()
  let startedAtMs = 0
  let failures: PersonFinding[] = []
  /** States changed since they were last handed out to be saved, the latest per rule and owner. */
  const saves = new Map<string, RuleStateChange>()

  const personState = (personId: string): PersonState => {
    let state = persons.get(personId)
    if (!state) {
      state = { personId, states: [], saved: [], lastActivityMs: startedAtMs, slot: persons.size }
      persons.set(personId, state)
    }
    return state
  }

  const absent = (personId: string, atMs: number): boolean => deps.absences.activeAt(personId, atMs) !== undefined

  const homeOf = (person: PersonState): Home => ({
    personId: person.personId,
    deviceTypes: devices.typesOf(person.personId),
    lastActivityMs: person.lastActivityMs,
    ...(person.lastDeviceId === undefined ? {} : { lastDeviceId: person.lastDeviceId }),
  })

  /** Notes a state to save when what the rule keeps of it changed. */
  const noteSave = (rule: Rule, index: number, owner: RuleStates, scope: Rule['per'], ownerId: string): void => {
    const state = owner.states[index]
    const kept = state === undefined ? undefined : rule.save?.(state)
    const text = kept === undefined ? undefined : JSON.stringify(kept)
    if (text === owner.saved[index]) return
    owner.saved[index] = text
    saves.set(keyOf(scope, ownerId, rule.id), { scope, owner: ownerId, rule: rule.id, state: text })
  }

  /** Runs one rule on one input; a throw is reported (a technical alert), never a quiet gap. */
  const run: RunRule = (placed, owner, ownerId, failingPersonId, call) => {
    const { rule, index } = placed
    try {
      const result = call(owner.states[index])
      if (!result) return NONE
      owner.states[index] = result.state
      if (rule.save) noteSave(rule, index, owner, rule.per, ownerId)
      return result.findings ?? NONE
    } catch (error) {
      const failure = deps.onRuleError(failingPersonId, rule.id, error)
      if (failure) failures.push(failure)
      return NONE
    }
  }
  const devices = createDeviceWatch(run)

  /** The person rules that watch the input (`only`: those of them due). */
  const judgePerson = (plan: CarePlan, person: PersonState, input: RuleInput, atMs: number, out: RuleFinding[], only: ReadonlyArray<Placed<PersonRule<unknown>>> = PERSON_WATCHING[input.watch]): void => {
    const context = { ...homeOf(person), plan }
    for (const placed of only) out.push(...run(placed, person, person.personId, person.personId, (state) => judge(placed.rule, state, input, atMs, context)))
  }

  /** What the rules found, through the filters (planned absence), with any rule failures. */
  const collect = (plan: CarePlan, deviceId: string, atMs: number, findings: readonly RuleFinding[]): PersonFinding[] => {
    const failed = failures
    failures = []
    let kept = findings
    for (const filter of FILTERS) kept = filter.filter(kept, () => absent(plan.personId, atMs))
    return kept.map((finding) => ({ personId: plan.personId, deviceId: finding.deviceId ?? deviceId, finding, version: plan.version })).concat(failed)
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

    /**
     * After a restart, each rule's state again, through its own `restore`: from what it saved and
     * from the open alerts of its kinds; and when each person last showed activity.
     */
    restore(saved: readonly SavedRuleState[], open: readonly OpenAlert[], lastActivity: ReadonlyMap<string, number>): void {
      for (const [personId, atMs] of lastActivity) personState(personId).lastActivityMs = atMs
      const found = new Map<string, { placed: Placed<Rule>; owner: string; saved?: string; open: OpenAlert[] }>()
      const entry = (placed: Placed<Rule>, owner: string) => {
        const key = keyOf(placed.rule.per, owner, placed.rule.id)
        const known = found.get(key) ?? { placed, owner, open: [] }
        found.set(key, known)
        return known
      }
      for (const s of saved) {
        const placed = RULE_OF_ID.get(s.rule)
        if (placed?.rule.per === s.scope) entry(placed, s.owner).saved = s.state
        // A rule no longer in the registry: what it kept goes.
        else saves.set(keyOf(s.scope, s.owner, s.rule), { ...s, state: undefined })
      }
      for (const alert of open) {
        const placed = RULE_OF_KIND.get(alert.kind)
        if (placed) entry(placed, placed.rule.per === 'person' ? alert.personId : alert.deviceId).open.push(alert)
      }
      for (const { placed, owner: id, saved: text, open: alerts } of found.values()) {
        const owner = placed.rule.per === 'person' ? personState(id) : devices.get(id)
        if (!owner) continue
        try {
          owner.states[placed.index] = placed.rule.restore?.(text === undefined ? undefined : (JSON.parse(text) as unknown), alerts)
          owner.saved[placed.index] = text
        } catch (error) {
          const failure = deps.onRuleError(placed.rule.per === 'person' ? id : '', placed.rule.id, error)
          if (failure) failures.push(failure)
        }
      }
    },

    onReadings(plan: CarePlan, deviceId: string, readings: ReadonlyArray<{ metric: MetricName; value: number }>, receivedAtMs: number): PersonFinding[] {
      const input: RuleInput = { watch: 'readings', deviceId, readings }
      const found: RuleFinding[] = []
      found.push(...devices.judge(deviceId, input, receivedAtMs, plan.personId))
      judgePerson(plan, personState(plan.personId), input, receivedAtMs, found)
      return collect(plan, deviceId, receivedAtMs, found)
    },

    onEvent(plan: CarePlan, deviceId: string, event: Pick<DeviceEvent, 'type'>, atMs: number): PersonFinding[] {
      const person = personState(plan.personId)
      const input: RuleInput = { watch: 'events', deviceId, type: event.type, absent: absent(plan.personId, atMs) }
      const found: RuleFinding[] = []
      found.push(...devices.judge(deviceId, input, atMs, plan.personId))
      if (ACTIVITY_EVENTS.has(event.type)) {
        person.lastActivityMs = Math.max(person.lastActivityMs, atMs)
        person.lastDeviceId = deviceId
      }
      judgePerson(plan, person, input, atMs, found)
      return collect(plan, deviceId, atMs, found)
    },

    onStatus(plan: CarePlan, deviceId: string, status: DeviceStatus, atMs: number): PersonFinding[] {
      const input: RuleInput = { watch: 'status', deviceId, status, absent: absent(plan.personId, atMs) }
      const found: RuleFinding[] = []
      found.push(...devices.judge(deviceId, input, atMs, plan.personId))
      judgePerson(plan, personState(plan.personId), input, atMs, found)
      return collect(plan, deviceId, atMs, found)
    },

    /**
     * The clock tick: every rule that watches it. With a slice, only that part of the people (and
     * the device rules with slice 0), so that a tick over thousands of people can be spread over
     * the second instead of holding the event loop in one piece.
     */
    tick(nowMs: number, planOf: (personId: string) => CarePlan | undefined, slice?: TickSlice): PersonFinding[] {
      const out: PersonFinding[] = []
      for (const person of persons.values()) {
        if (slice && person.slot % slice.of !== slice.index) continue
        const away = absent(person.personId, nowMs)
        // An empty home is quiet by design: silence counts again from the end of the absence.
        if (away) person.lastActivityMs = nowMs
        const home = homeOf(person)
        const due = PERSON_WATCHING.ticks.filter(({ rule, index }) => rule.ticksWhen?.(person.states[index], home) ?? true)
        const plan = due.length > 0 ? planOf(person.personId) : undefined
        if (!plan) continue
        const found: RuleFinding[] = []
        judgePerson(plan, person, { watch: 'ticks', absent: away }, nowMs, found, due)
        out.push(...collect(plan, person.lastDeviceId ?? '', nowMs, found))
      }
      if (slice && slice.index !== 0) return out
      for (const { personId, finding } of devices.tick(nowMs, (personId) => absent(personId, nowMs))) {
        const plan = planOf(personId)
        if (plan) out.push(...collect(plan, finding.deviceId ?? '', nowMs, [finding]))
      }
      return out
    },

    /** Rule states changed since last asked (rules/rule.ts `save`), to be written where they outlive a restart. */
    takeSaves(): RuleStateChange[] {
      const changes = [...saves.values()]
      saves.clear()
      return changes
    },

    /** Changes that could not be written go back, unless a newer one for the same rule and owner came since. */
    keepSaves(changes: readonly RuleStateChange[]): void {
      for (const change of changes) {
        const key = keyOf(change.scope, change.owner, change.rule)
        if (!saves.has(key)) saves.set(key, change)
      }
    },

    pendingSaves: (): number => saves.size,
  }
}

export type RulesEngine = ReturnType<typeof createRulesEngine>
