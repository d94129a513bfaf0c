import type { MqttClient } from 'mqtt'
import type { Logger } from 'pino'
import { Counter, type Registry } from 'prom-client'
import {
  deviceTopic,
  type Alert,
  type AlertHistoryEntry,
  type Clock,
  type DeviceErrorMessage,
  type DeviceEvent,
  type DeviceId,
  type HealthReport,
  type JudgedTelemetry,
  type Outcome,
  type EventVerdict,
  type TakenEvent,
  type Service,
} from '../contract/index.js'
import { createAlertDesk, type LogAction } from './alert-desk.js'
import { createCommandSender } from './command-sender.js'
import { createRulesRunner } from './create-rules-runner.js'
import { TICK_SLICES, createDeadlines } from './deadlines.js'
import { createEventIntake } from './event-intake.js'
import { createFollowUpRaiser, type FollowUpQueue } from './follow-up-raiser.js'
import { createSlicedQueue } from './sliced-queue.js'
import { DEFAULT_EVENT_STORMS, createEventStorms, type EventStormsConfig } from './event-storms.js'
import { DEFAULT_LOG_SAMPLING, createLogSampler } from './log-sampler.js'
import type { AbsenceCalendar, ActivityHistory, AlertStore, CarePlans, CommandOutbox, DeviceOwners, EventInbox, MqttConnector } from './ports.js'

/** The rules judge queued telemetry this long per turn of the event loop, then let alarms through. */
const TELEMETRY_SLICE_MS = 4
/** About five seconds of 20,000 readings/s in packs of five: beyond it the rules skip the oldest. */
const MAX_TELEMETRY_QUEUED = 20_000

export interface AlertingConfig {
  /** How often the event journal is swept for events that arrived but were not processed. */
  sweepIntervalMs: number
  /** How often deadlines and the silence rules are checked. */
  tickIntervalMs: number
  /** Devices over their event limits: how often their repeats are written, when their flood is over. */
  eventStorms?: EventStormsConfig
}

export interface AlertingDeps {
  logger: Logger
  metrics: Registry
  clock: Clock
  /** Connects this service to the broker with its own credentials, for commands and answers to devices. */
  connect: MqttConnector
  carePlans: CarePlans
  absences: AbsenceCalendar
  activity: ActivityHistory
  alerts: AlertStore
  inbox: EventInbox
  outbox: CommandOutbox
  devices: DeviceOwners
  /** Follow-ups set on alerts, raised as alerts at their time. */
  followUps: FollowUpQueue
}

type AlertListener = (alert: Alert) => void

export interface Alerting extends Service {
  /**
   * A device event the broker parsed and journalled (PROTOCOL §1), handed over in-process: an
   * invalid one is answered on the device's errors topic, a redelivery counted, a new one processed
   * once. What is not processed here (before start, or on a failure) the journal sweep processes.
   */
  takeEvent(deviceId: DeviceId, taken: TakenEvent, receivedAtMs: number): void
  /**
   * A device event beyond its device's limits (broker/event-limits.ts `EventStorms`): processed as
   * usual when it is new, folded into its open alert when it repeats one, refused otherwise.
   */
  limited(deviceId: DeviceId, verdict: EventVerdict, receivedAtMs: number, over: 'rate' | 'in-flight', written: () => void): 'process' | 'folded' | 'refused'
  /** Telemetry ingest has checked, for the rules: the one route readings and status take to them. */
  judgeTelemetry(items: readonly JudgedTelemetry[]): void
  acknowledge(alertId: string, by: string): Alert
  resolve(alertId: string, by: string, outcome: Outcome, note?: string): Alert
  /** A responder's note in the alert's history; open or closed, for the record. */
  addNote(alertId: string, by: string, text: string, action?: LogAction): { alert: Alert; entry: AlertHistoryEntry }
  onChange(listener: AlertListener): () => void
  health(): HealthReport
  /** Checks deadlines and silence rules now (also done every `tickIntervalMs`). */
  tick(): void
  /** A device acknowledged (PUBACK) a command: now it counts as delivered. */
  commandDelivered(deviceId: string, payload: Buffer): void
  /** A device subscribed to its commands: what it has not acknowledged, and its session no longer holds, goes again. */
  commandsSubscribed(deviceId: string, stillQueued: readonly Buffer[]): void
  /**
   * The device moved to another person: the rules watch it as theirs from the next tick (not the
   * next sync), and a flood of its events meets their alerts. Alerts already raised stay put.
   */
  deviceMoved(deviceId: string): void
}

export function createAlerting(config: AlertingConfig, deps: AlertingDeps): Alerting {
  const log = deps.logger
  const listeners = new Set<AlertListener>()
  const raised = new Counter({ name: 'hearth_alerts_raised_total', help: 'Alerts raised, by priority and kind', labelNames: ['priority', 'kind'], registers: [deps.metrics] })
  const telemetryDropped = new Counter({
    name: 'hearth_rule_telemetry_dropped_total',
    help: 'Readings and status messages the rules skipped because they fell too far behind',
    registers: [deps.metrics],
  })
  let client: MqttClient | undefined
  let sweeper: NodeJS.Timeout | undefined
  let ticker: NodeJS.Timeout | undefined
  let stormWriter: NodeJS.Timeout | undefined
  let closing: Promise<void> | undefined

  const announce = (alert: Alert): void => {
    storms.alertChanged(alert)
    for (const listener of listeners) {
      try {
        listener(alert)
      } catch (error) {
        log.error({ err: error, alertId: alert.id }, 'alert listener failed')
      }
    }
  }

  const rules = createRulesRunner({
    logger: log.child({ part: 'rules' }),
    metrics: deps.metrics,
    clock: deps.clock,
    alerts: deps.alerts,
    devices: deps.devices,
    carePlans: deps.carePlans,
    absences: deps.absences,
    activity: deps.activity,
    announce(alert, change) {
      if (change === 'raised') raised.inc({ priority: alert.priority, kind: alert.kind })
      announce(alert)
    },
  })

  /** A flooding device's per-event lines: the first few, then a count (log-sampler.ts). */
  const sampled = createLogSampler(DEFAULT_LOG_SAMPLING, { logger: log, clock: deps.clock })

  /** What event intake and the event-limits path share: the stores, answers to devices, alerts announced, events on to the rules. */
  const eventParts = {
    metrics: deps.metrics,
    clock: deps.clock,
    alerts: deps.alerts,
    inbox: deps.inbox,
    devices: deps.devices,
    absences: deps.absences,
    tell: (deviceId: DeviceId, message: DeviceErrorMessage) => publishError(deviceId, message),
    announce(alert: Alert, change: 'raised' | 'changed') {
      if (change === 'raised') raised.inc({ priority: alert.priority, kind: alert.kind })
      announce(alert)
    },
    onEvent: (personId: string, deviceId: DeviceId, event: DeviceEvent, atMs: number) => rules.onEvent(personId, deviceId, event, atMs),
  }
  const storms = createEventStorms(config.eventStorms ?? DEFAULT_EVENT_STORMS, { ...eventParts, logger: log.child({ part: 'event-limits' }) })

  const commands = createCommandSender({ logger: log, clock: deps.clock, outbox: deps.outbox, client: () => client })
  const desk = createAlertDesk({ logger: log, clock: deps.clock, alerts: deps.alerts, commands, announce })
  const followUps = createFollowUpRaiser({
    logger: log,
    clock: deps.clock,
    alerts: deps.alerts,
    followUps: deps.followUps,
    announce(alert) {
      raised.inc({ priority: alert.priority, kind: alert.kind })
      announce(alert)
    },
  })
  const deadlines = createDeadlines({
    logger: log,
    metrics: deps.metrics,
    clock: deps.clock,
    alerts: deps.alerts,
    desk,
    announce,
    rulesTick: (slice) => rules.tick(slice),
    raiseDue: () => followUps.raiseDue(),
  })
  const intake = createEventIntake({ ...eventParts, logger: log, sampled })

  const sweep = (): void => {
    try {
      // Commands left unsent by a crash or a broker hiccup go out again; recent ones may still be in flight.
      commands.flush(deps.clock.now() - 5000)
    } catch (error) {
      log.error({ err: error }, 'command outbox sweep failed')
    }
    intake.sweep()
  }

  let running = false
  const takeEvent = (deviceId: DeviceId, taken: TakenEvent, receivedAtMs: number): void => {
    // Before start the sweep at start takes what was journalled; after close, the next start does.
    if (running) intake.take(deviceId, taken, receivedAtMs)
  }

  const publishError = (deviceId: string, message: DeviceErrorMessage): void => {
    client?.publish(deviceTopic(deviceId, 'errors'), JSON.stringify(message), { qos: 0 })
  }

  /** Repeats of flooding devices written in aggregate, their answers sent, their technical alerts kept up. */
  const writeStorms = (): void => {
    try {
      storms.write()
      sampled.flush()
    } catch (error) {
      log.error({ err: error }, 'event limits write failed')
    }
  }

  let telemetryDropWarned = false
  /** What the ingest thread checked, judged by the rules a few milliseconds per turn of the event loop. */
  const telemetryQueue = createSlicedQueue<JudgedTelemetry>({
    sliceMs: TELEMETRY_SLICE_MS,
    chunk: 32,
    maxQueued: MAX_TELEMETRY_QUEUED,
    // A status (offline, battery) is never dropped: only readings, which the next ones overtake.
    droppable: (item) => item.kind === 'readings',
    handle: (items) => rules.onTelemetryBatch(items),
    onError: (error) => log.error({ err: error }, 'rules failed on telemetry'),
    onDrop(count) {
      telemetryDropped.inc(count)
      // Once per episode: the counter keeps the total.
      if (!telemetryDropWarned) log.warn({ dropped: count, queued: MAX_TELEMETRY_QUEUED }, 'rules behind telemetry: oldest readings not judged')
      telemetryDropWarned = true
    },
  })

  return {
    async start() {
      rules.start()
      storms.restore(deps.alerts.list('open', 10_000))
      sweep()
      // After a restart, overdue alerts escalate at once.
      deadlines.tick()
      // Events come from the broker in-process (takeEvent); this connection sends commands and answers.
      client = await deps.connect(() => undefined)
      client.on('error', (error) => log.error({ err: error }, 'alerting mqtt error'))
      running = true
      // What was journalled while this connected, now rather than at the next sweep.
      sweep()
      sweeper = setInterval(sweep, config.sweepIntervalMs)
      ticker = setInterval(() => deadlines.tickSlice(), config.tickIntervalMs / TICK_SLICES)
      stormWriter = setInterval(writeStorms, (config.eventStorms ?? DEFAULT_EVENT_STORMS).writeIntervalMs)
      log.info('alerting started')
    },
    tick() {
      rules.refreshDevices()
      deadlines.tick()
    },
    commandDelivered: (deviceId, payload) => commands.delivered(deviceId, payload),
    commandsSubscribed: (deviceId, stillQueued) => commands.subscribed(deviceId, stillQueued),
    deviceMoved(deviceId) {
      rules.refreshDevices()
      // An id the devices store holds: it was checked when the device was provisioned.
      storms.deviceMoved(deviceId as DeviceId)
    },
    acknowledge: (alertId, by) => desk.acknowledge(alertId, by),
    resolve: (alertId, by, outcome, note) => desk.resolve(alertId, by, outcome, note),
    addNote: (alertId, by, text, action) => desk.addNote(alertId, by, text, action),
    onChange(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    health: () => ({ component: 'alerting', ok: client?.connected === true }),
    judgeTelemetry(items) {
      if (closing) return
      if (telemetryQueue.size() === 0) telemetryDropWarned = false
      telemetryQueue.push(items)
    },
    takeEvent,
    limited(deviceId, verdict, receivedAtMs, over, written) {
      // Before start (or after close) the journal and its sweep take everything, as usual.
      if (!running) return 'process'
      return storms.limited(deviceId, verdict, receivedAtMs, over, written)
    },
    close() {
      closing ??= (async () => {
        running = false
        telemetryQueue.clear()
        if (sweeper) clearInterval(sweeper)
        if (ticker) clearInterval(ticker)
        if (stormWriter) clearInterval(stormWriter)
        // Repeats already acknowledged to their devices are written before the connection goes.
        writeStorms()
        // Forced: the broker has stopped first, so nothing in flight will be acknowledged now; a
        // command not yet acknowledged by its device stays in the outbox and goes again.
        await client?.endAsync(true)
        listeners.clear()
        log.info('alerting closed')
      })()
      return closing
    },
  }
}
