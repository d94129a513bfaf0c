import { bedExitRule } from './bed-exit-rule.js'
import { deviceOfflineRule } from './device-offline-rule.js'
import { inactivityRule } from './inactivity-rule.js'
import { lowBatteryRule } from './low-battery-rule.js'
import { news2Rule } from './news2-rule.js'
import { nightDoorRule } from './night-door-rule.js'
import { plannedAbsence } from './planned-absence.js'
import { watches, type DeviceRule, type FindingFilter, type PersonRule, type Rule, type Watch } from './rule.js'
import { thresholdRule } from './threshold-rule.js'

/**
 * Every rule, in the order each input reaches them: the device rules first (any message is a
 * check-in before anything else), then the person's. A new rule is one line here.
 */
export const RULES: readonly Rule[] = [
  deviceOfflineRule,
  lowBatteryRule,
  thresholdRule,
  news2Rule,
  inactivityRule,
  nightDoorRule,
  bedExitRule,
]

/** What the findings pass through before they reach the person's alerts. */
export const FILTERS: readonly FindingFilter[] = [plannedAbsence]

/** A rule and its place among the rules of its scope, which is where its state is kept. */
export interface Placed<R extends Rule = Rule> {
  rule: R
  index: number
}

const place = <R extends Rule>(rules: readonly R[]): ReadonlyArray<Placed<R>> => rules.map((rule, index) => ({ rule, index }))
const byWatch = <R extends Rule>(placed: ReadonlyArray<Placed<R>>): Readonly<Record<Watch, ReadonlyArray<Placed<R>>>> => ({
  readings: placed.filter((p) => watches(p.rule, 'readings')),
  events: placed.filter((p) => watches(p.rule, 'events')),
  status: placed.filter((p) => watches(p.rule, 'status')),
  ticks: placed.filter((p) => watches(p.rule, 'ticks')),
})

/** The registry as the engine reads it: each scope's rules by the input they watch. */
export const PERSON_RULES = place(RULES.filter((r): r is PersonRule<unknown> => r.per === 'person'))
export const DEVICE_RULES = place(RULES.filter((r): r is DeviceRule<unknown> => r.per === 'device'))
export const PERSON_WATCHING = byWatch(PERSON_RULES)
export const DEVICE_WATCHING = byWatch(DEVICE_RULES)

/** The rule an open alert of a kind speaks for. */
export const RULE_OF_KIND: ReadonlyMap<string, Placed> = new Map([...PERSON_RULES, ...DEVICE_RULES].flatMap((p) => p.rule.kinds.map((kind) => [kind, p] as const)))
