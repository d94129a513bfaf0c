import { alertKind, type DeviceStatus, type DeviceType } from '../contract/index.js'
import { DEVICE_WATCHING, RULE_OF_KIND, type Placed } from './rules/registry.js'
import { judge, type RuleInput, type RuleStep } from './rules/rule.js'
import type { RuleFinding } from './rules/rule-finding.js'

export interface KnownDevice {
  id: string
  type: DeviceType
  personId: string
  checkInSeconds: number | null
  /** Last message, or when it was provisioned if it has never spoken. */
  lastSeenMs: number
}

/** Each rule's state for one person or device, by the rule's place among its scope's rules, and what of it was last saved. */
export interface RuleStates {
  states: unknown[]
  saved: Array<string | undefined>
}

/** A provisioned device, with the device rules' state for it. */
export interface WatchedDevice extends RuleStates {
  device: KnownDevice
}

/**
 * Runs one rule on one owner's state, `failingPersonId` being whom its failure concerns ('' for
 * no one): the rules engine's guards it and notes what to save; on its own, it just runs it.
 */
export type RunRule = (placed: Placed, owner: RuleStates, ownerId: string, failingPersonId: string, call: (state: unknown) => RuleStep<unknown> | undefined) => readonly RuleFinding[]

const runPlainly: RunRule = (placed, owner, _ownerId, _failingPersonId, call) => {
  const result = call(owner.states[placed.index])
  if (!result) return []
  owner.states[placed.index] = result.state
  return result.findings ?? []
}

const NO_TYPES: ReadonlySet<DeviceType> = new Set()

/**
 * Every provisioned device and the device rules of the registry (registry.ts) over them: whose
 * each device is, its type and check-in interval, when it last spoke as stored (never before the
 * watch started), and each device rule's state for it.
 */
export function createDeviceWatch(run: RunRule = runPlainly) {
  const devices = new Map<string, WatchedDevice>()
  let typesByPerson = new Map<string, Set<DeviceType>>()
  let startedAtMs = 0

  /** The device rules that watch the input, for a device the watch knows. */
  const judgeDevice = (deviceId: string, input: RuleInput, atMs: number, failingPersonId?: string): RuleFinding[] => {
    const watched = devices.get(deviceId)
    if (!watched) return []
    const context = { device: watched.device }
    const found: RuleFinding[] = []
    for (const placed of DEVICE_WATCHING[input.watch]) {
      found.push(...run(placed, watched, deviceId, failingPersonId ?? watched.device.personId, (state) => judge(placed.rule, state, input, atMs, context)))
    }
    return found
  }

  return {
    start(nowMs: number): void {
      startedAtMs = nowMs
    },

    /** New devices are added, moved or changed ones updated (keeping their rules' state), removed ones dropped. */
    sync(known: readonly KnownDevice[]): void {
      const ids = new Set<string>()
      typesByPerson = new Map()
      for (const device of known) {
        ids.add(device.id)
        const types = typesByPerson.get(device.personId) ?? new Set<DeviceType>()
        typesByPerson.set(device.personId, types.add(device.type))
        const current = devices.get(device.id)
        // A sync never moves a device's last check-in back.
        const lastSeenMs = Math.max(current?.device.lastSeenMs ?? startedAtMs, device.lastSeenMs)
        if (current) current.device = { ...device, lastSeenMs }
        else devices.set(device.id, { device: { ...device, lastSeenMs }, states: [], saved: [] })
      }
      for (const id of devices.keys()) if (!ids.has(id)) devices.delete(id)
    },

    get: (deviceId: string): WatchedDevice | undefined => devices.get(deviceId),

    knows: (deviceId: string): boolean => devices.has(deviceId),

    /** The device types each person has, so rules that need a kind of sensor run only where one is. */
    typesOf(personId: string): ReadonlySet<DeviceType> {
      return typesByPerson.get(personId) ?? NO_TYPES
    },

    /** Everyone with a device: the people the silence rules watch. */
    persons(): Iterable<string> {
      return typesByPerson.keys()
    },

    /** The device rules on a reading, event or status from the device. */
    judge: judgeDevice,

    /** Any message is a check-in; one from an offline device brings it back. */
    seen: (deviceId: string, atMs: number): RuleFinding | undefined => judgeDevice(deviceId, { watch: 'readings', deviceId, readings: [] }, atMs)[0],

    /** A status: a will (`online: false`) takes the device offline now; a battery level is judged. */
    status: (deviceId: string, status: DeviceStatus, atMs: number, absent: boolean): RuleFinding[] => judgeDevice(deviceId, { watch: 'status', deviceId, status, absent }, atMs),

    /** The device rules on the clock; a person away (`absent`) has every device count as just heard from. */
    tick(nowMs: number, absent: (personId: string) => boolean): Array<{ personId: string; finding: RuleFinding }> {
      const found: Array<{ personId: string; finding: RuleFinding }> = []
      for (const { device } of devices.values()) {
        // A device rule failing on the clock is logged and counted, not raised: it is no one person's.
        const findings = judgeDevice(device.id, { watch: 'ticks', absent: absent(device.personId) }, nowMs, '')
        for (const finding of findings) found.push({ personId: device.personId, finding })
      }
      return found
    },

    /** An open alert from before a restart, through the restore of the device rule whose kind it is. */
    restore(deviceId: string, kind: string, sinceMs: number): void {
      const watched = devices.get(deviceId)
      const placed = RULE_OF_KIND.get(kind)
      if (!watched || placed?.rule.per !== 'device') return
      const alert = { personId: watched.device.personId, deviceId, kind, priority: alertKind(kind)?.priority ?? 'technical', raisedAtMs: sinceMs }
      watched.states[placed.index] = placed.rule.restore?.(undefined, [alert])
    },
  }
}
