import type { DeviceStatus, DeviceType, EventType, MetricName, Priority } from '../../contract/index.js'
import type { KnownDevice } from '../device-watch.js'
import type { CarePlan } from '../ports.js'
import type { RuleFinding } from './rule-finding.js'

/**
 * The one shape of every rule. A rule names the alert kinds it raises, keeps one state per person
 * (or per device), and has a pure function for each input it watches: (state, input, now) in,
 * (state, findings) out. The inputs it watches are the handlers it has. The rules engine runs
 * every rule of the registry (registry.ts) the same way and names none of them.
 */

/** A pack of readings from one device, as received. */
interface ReadingsInput {
  watch: 'readings'
  deviceId: string
  readings: ReadonlyArray<{ metric: MetricName; value: number }>
}

/** A device event alerting has processed; `absent` while a planned absence is in force. */
interface EventInput {
  watch: 'events'
  deviceId: string
  type: EventType
  absent: boolean
}

/** A device status (`online: false` is its will). */
interface StatusInput {
  watch: 'status'
  deviceId: string
  status: DeviceStatus
  absent: boolean
}

/** The clock tick, every second. */
interface TickInput {
  watch: 'ticks'
  absent: boolean
}

export type RuleInput = ReadingsInput | EventInput | StatusInput | TickInput
export type Watch = RuleInput['watch']

/** What a rule returns: its new state (undefined: nothing to keep) and what it found. */
export interface RuleStep<S> {
  state: S | undefined
  findings?: readonly RuleFinding[]
}

/** What the engine knows of a person's home, beyond any one rule's state. */
export interface Home {
  personId: string
  /** The types of device the person has, so a rule that needs a kind of sensor runs only where one is. */
  deviceTypes: ReadonlySet<DeviceType>
  /** When activity (ACTIVITY_EVENTS) was last seen at home; silence counts from the engine's start before any. */
  lastActivityMs: number
  /** The device that saw it, which clock findings name; unknown after a restart until the next. */
  lastDeviceId?: string
}

interface PersonContext extends Home {
  /** The care settings version in force: every input is judged against exactly one. */
  plan: CarePlan
}

interface DeviceContext {
  /** The device as provisioned, `lastSeenMs` as last stored (or the engine's start, if later). */
  device: KnownDevice
}

/** An alert open when the engine starts, for rules to pick up where they left off. */
export interface OpenAlert {
  personId: string
  deviceId: string
  kind: string
  priority: Priority
  raisedAtMs: number
}

/** Handlers are methods, so that a rule of any state type is a rule of `unknown` state in the registry. */
export interface Handlers<S, C> {
  readings?(state: S | undefined, input: ReadingsInput, now: number, context: C): RuleStep<S>
  events?(state: S | undefined, input: EventInput, now: number, context: C): RuleStep<S>
  status?(state: S | undefined, input: StatusInput, now: number, context: C): RuleStep<S>
  ticks?(state: S | undefined, input: TickInput, now: number, context: C): RuleStep<S>
  /**
   * The part of the state that must outlive a restart (a pending `for` time, a watch under way),
   * as plain JSON values; undefined when nothing needs keeping. Rules without it start afresh
   * after a restart, apart from what their open alerts say.
   */
  save?(state: S): unknown
  /**
   * The state after a restart, from what `save` kept (read back from disk: check it) and from the
   * open alerts of this rule's kinds for the same person or device.
   */
  restore?(saved: unknown, open: readonly OpenAlert[]): S | undefined
}

export interface PersonRule<S> extends Handlers<S, PersonContext> {
  /** Its name in logs, metrics, `rule.error` alerts and saved state. */
  id: string
  per: 'person'
  /** The alert kinds it raises (each in contract/alert-kinds.ts). */
  kinds: readonly string[]
  /**
   * Whether the tick is worth running now (a watch under way, a sensor that can see activity):
   * spares thousands of people a care plan lookup every second. Without it, every tick.
   */
  ticksWhen?(state: S | undefined, home: Home): boolean
}

export interface DeviceRule<S> extends Handlers<S, DeviceContext> {
  id: string
  per: 'device'
  kinds: readonly string[]
}

export type Rule = PersonRule<unknown> | DeviceRule<unknown>

/**
 * A filter between the rules and the alerts (planned absence): the kinds it may hold back and a
 * pure decision. `absent` is asked only when one of its kinds fires.
 */
export interface FindingFilter {
  id: string
  kinds: readonly string[]
  filter(findings: readonly RuleFinding[], absent: () => boolean): readonly RuleFinding[]
}

/** Events that show someone is up and about at home: they feed `Home.lastActivityMs`. A chosen subset of the event types of contract/events.ts, so it repeats some of their names on purpose. */
export const ACTIVITY_EVENTS: ReadonlySet<EventType> = new Set<EventType>([
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

/** Whether the rule watches this input. */
export function watches(rule: Rule, watch: Watch): boolean {
  return rule[watch] !== undefined
}

/** The rule's handler for the input, or undefined when it does not watch it. */
export function judge<S, C>(rule: Handlers<S, C>, state: S | undefined, input: RuleInput, now: number, context: C): RuleStep<S> | undefined {
  switch (input.watch) {
    case 'readings':
      return rule.readings?.(state, input, now, context)
    case 'events':
      return rule.events?.(state, input, now, context)
    case 'status':
      return rule.status?.(state, input, now, context)
    case 'ticks':
      return rule.ticks?.(state, input, now, context)
  }
}

/**
 * A watch's finding on the clock names the device that last showed activity at home, as every
 * clock finding does; after a restart, before any, the device the watch was kept for.
 */
export function naming<S>(result: { state: S; finding?: RuleFinding }, home: Home, watchedDevice: string | undefined): RuleStep<S> {
  const deviceId = home.lastDeviceId ?? watchedDevice
  return step(result.finding && deviceId !== undefined ? { ...result, finding: { ...result.finding, deviceId } } : result)
}

/** A rule function's `{ state, finding? }` as a step. */
export function step<S>(result: { state: S; finding?: RuleFinding }): RuleStep<S> {
  return result.finding ? { state: result.state, findings: [result.finding] } : { state: result.state }
}

/** Reading saved state back from disk: a plain object, or nothing. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** A number, or undefined when it is anything else. */
export function numberOr(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined
}
