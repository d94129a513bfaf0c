import type { Logger } from 'pino'
import { Counter, type Registry } from 'prom-client'
import {
  ALERT_KIND,
  type Alert,
  type Clock,
  type DeviceEvent,
  type DeviceId,
  type DeviceStatus,
  type JudgedTelemetry,
  type Reading as SenmlReading,
} from '../contract/index.js'
import { applyFinding } from './apply-finding.js'
import type { AbsenceCalendar, ActivityHistory, AlertStore, CarePlans, DeviceOwners, SavedRuleState } from './ports.js'
import { ACTIVITY_EVENTS, createRulesEngine, type PersonFinding, type TickSlice } from './rules-engine.js'

export interface RulesRunnerDeps {
  logger: Logger
  metrics: Registry
  clock: Clock
  alerts: AlertStore
  devices: DeviceOwners
  carePlans: CarePlans
  absences: AbsenceCalendar
  activity: ActivityHistory
  /** Called with each alert a finding changed, after it is committed. */
  announce: (alert: Alert, change: 'raised' | 'changed') => void
}

/** How often (platform time) the device list is read again, for newly provisioned or moved devices. */
const DEVICE_SYNC_MS = 30_000

/**
 * Feeds the rules engine: readings and status from the telemetry connection, events once alerting
 * has processed them, and the clock tick; applies what the rules find to the person's alerts, and
 * keeps what the rules must not lose in a restart (`activity.ruleStates`).
 */
export function createRulesRunner(deps: RulesRunnerDeps) {
  const log = deps.logger
  const inputs = new Counter({ name: 'hearth_rule_inputs_total', help: 'Messages judged by the rules, by kind', labelNames: ['input'], registers: [deps.metrics] })
  const findings = new Counter({ name: 'hearth_rule_findings_total', help: 'Rule findings, by rule and action', labelNames: ['rule', 'action'], registers: [deps.metrics] })
  const ruleErrors = new Counter({ name: 'hearth_rule_errors_total', help: 'Rules that threw, by rule', labelNames: ['rule'], registers: [deps.metrics] })
  const readingsJudged = inputs.labels('readings')
  const statusJudged = inputs.labels('status')
  const ruleStates = deps.activity.ruleStates
  let lastSyncMs = -Infinity

  const engine = createRulesEngine({
    absences: deps.absences,
    onRuleError(personId, rule, error) {
      ruleErrors.inc({ rule })
      log.error({ err: error, personId, rule }, 'rule failed')
      if (personId === '') return undefined
      const message = error instanceof Error ? error.message : String(error)
      return { personId, deviceId: '', version: 0, finding: { action: 'fire', kind: 'rule.error', priority: ALERT_KIND['rule.error'].priority, summary: `Rule ${rule} failed: ${message}` } }
    },
  })

  const apply = (found: readonly PersonFinding[]): void => {
    for (const item of found) {
      findings.inc({ rule: item.finding.kind, action: item.finding.action })
      const atMs = deps.clock.now()
      const effect = deps.alerts.transaction(() => applyFinding(deps.alerts, item, atMs))
      if (effect.kind === 'none') continue
      log.info({ alertId: effect.alert.id, kind: effect.alert.kind, personId: item.personId, action: item.finding.action, version: item.version }, `alert ${effect.kind} by rule`)
      deps.announce(effect.alert, effect.kind)
    }
    saveSoon()
  }

  /** What the rules saved before the last stop; if it cannot be read, they start afresh (and say so). */
  const savedStates = (): SavedRuleState[] => {
    try {
      return ruleStates?.all() ?? []
    } catch (error) {
      log.error({ err: error }, 'saved rule states not read: pending times and night watches start afresh')
      return []
    }
  }

  /**
   * Writes the rule states that changed, once per turn of the event loop: outside any caller's
   * transaction, and one write for a burst of readings however many it changed.
   */
  let saving: NodeJS.Immediate | undefined
  const writeStates = (): void => {
    saving = undefined
    const changes = engine.takeSaves()
    if (changes.length === 0 || !ruleStates) return
    try {
      ruleStates.save(changes)
    } catch (error) {
      // Kept for the next write: a state lost here is a restart's pending time or night watch lost.
      engine.keepSaves(changes)
      log.error({ err: error, changes: changes.length }, 'rule states not saved; will retry')
    }
  }
  const saveSoon = (): void => {
    if (saving || engine.pendingSaves() === 0) return
    saving = setImmediate(writeStates)
  }

  const syncDevices = (nowMs: number): void => {
    if (nowMs - lastSyncMs < DEVICE_SYNC_MS) return
    lastSyncMs = nowMs
    engine.syncDevices(deps.devices.watched())
  }

  /** A device provisioned since the last sync is watched from its first message. */
  const watchNew = (deviceId: string, nowMs: number): void => {
    if (engine.knows(deviceId)) return
    lastSyncMs = -Infinity
    syncDevices(nowMs)
  }

  /**
   * The person's care plan, or undefined for a device no longer assigned to anyone. `attributed`
   * is the person ingest found for the device a moment ago, which saves looking it up again.
   */
  const planFor = (deviceId: DeviceId, nowMs: number, attributed?: string) => {
    const personId = attributed ?? deps.devices.personOf(deviceId)
    if (personId === undefined) return undefined
    watchNew(deviceId, nowMs)
    return deps.carePlans.current(personId)
  }

  const judgeReadings = (deviceId: DeviceId, readings: () => SenmlReading[], receivedAtMs: number, personId?: string): void => {
    try {
      const plan = planFor(deviceId, receivedAtMs, personId)
      if (plan) apply(engine.onReadings(plan, deviceId, readings().sort((a, b) => a.atMs - b.atMs), receivedAtMs))
    } catch (error) {
      log.error({ err: error, deviceId }, 'rules failed to judge readings')
    } finally {
      // Counted once judged, so a caller can wait for what it sent to have been seen.
      readingsJudged.inc()
    }
  }

  const judgeStatus = (deviceId: DeviceId, status: DeviceStatus | undefined, receivedAtMs: number): void => {
    try {
      const plan = status && planFor(deviceId, receivedAtMs)
      if (plan) apply(engine.onStatus(plan, deviceId, status, receivedAtMs))
    } catch (error) {
      log.error({ err: error, deviceId }, 'rules failed to judge a status')
    } finally {
      statusJudged.inc()
    }
  }

  return {
    start(): void {
      const now = deps.clock.now()
      engine.start(now)
      syncDevices(now)
      const open = deps.alerts.list('open', 10_000).map((a) => ({ personId: a.personId, deviceId: a.deviceId, kind: a.kind, priority: a.priority, raisedAtMs: Date.parse(a.raisedAt) }))
      engine.restore(savedStates(), open, deps.activity.lastActivityByPerson([...ACTIVITY_EVENTS]))
    },

    /** Readings and status ingest has checked (from its thread or the event loop: the one route), each as received. */
    onTelemetryBatch(items: readonly JudgedTelemetry[]): void {
      for (const item of items) {
        if (item.kind === 'readings') judgeReadings(item.deviceId, () => [...item.readings], item.receivedAtMs, item.personId)
        else judgeStatus(item.deviceId, item.status, item.receivedAtMs)
      }
    },

    /** An event alerting has processed (once per device and id). */
    onEvent(personId: string, deviceId: string, event: DeviceEvent, atMs: number): void {
      try {
        watchNew(deviceId, atMs)
        const plan = deps.carePlans.current(personId)
        if (plan) apply(engine.onEvent(plan, deviceId, event, atMs))
      } finally {
        inputs.inc({ input: 'events' })
      }
    },

    /** The silence rules for everyone, or (`slice`) for a part of the people; see RulesEngine.tick. */
    tick(slice?: TickSlice): void {
      const now = deps.clock.now()
      if (!slice || slice.index === 0) syncDevices(now)
      apply(engine.tick(now, (personId) => deps.carePlans.current(personId), slice))
    },

    /** A device provisioned a moment ago is watched from the next tick, not the next sync. */
    refreshDevices(): void {
      lastSyncMs = -Infinity
    },
  }
}

