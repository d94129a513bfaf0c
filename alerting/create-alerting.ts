import { randomBytes } from 'node:crypto'
import type { MqttClient } from 'mqtt'
import type { Logger } from 'pino'
import { Counter, type Registry } from 'prom-client'
import {
  ACKNOWLEDGED_TEXT,
  HearthError,
  RESOLVED_TEXT,
  allDevicesTopic,
  deviceTopic,
  parseDeviceEvent,
  type Alert,
  type AlertHistoryEntry,
  type Clock,
  type DeviceCommand,
  type DeviceErrorMessage,
  type DeviceEvent,
  type DeviceId,
  type HealthReport,
  type JudgedTelemetry,
  type MqttConnector,
  type Outcome,
  type EventVerdict,
  type Service,
} from '../contract/index.js'
import * as lifecycle from './alert-lifecycle.js'
import { applyDeviceEvent } from './apply-device-event.js'
import { createRulesRunner } from './create-rules-runner.js'
import { createSlicedQueue } from './sliced-queue.js'
import { createCommandReceipts } from './command-receipts.js'
import { DEFAULT_EVENT_STORMS, createEventStorms, type EventStormsConfig } from './event-storms.js'
import { DEFAULT_LOG_SAMPLING, createLogSampler } from './log-sampler.js'
import type { AbsenceCalendar, ActivityHistory, AlertStore, CarePlans, CommandOutbox, DeviceOwners, EventInbox } from './ports.js'
import { silencedByAbsence } from './rules/planned-absence.js'

/** An event id seen again after this long is taken as a new event, not a redelivery. */
const ID_REUSE_AFTER_MS = 24 * 3_600_000

const TICK_SLICES = 10

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
  /**
   * A second connection for readings and status, so telemetry never queues ahead of an alarm.
   * Without it, the rules judge what ingest passes on (`judgeTelemetry`).
   */
  connectTelemetry?: MqttConnector
  carePlans: CarePlans
  absences: AbsenceCalendar
  activity: ActivityHistory
  alerts: AlertStore
  inbox: EventInbox
  outbox: CommandOutbox
  devices: DeviceOwners
}

export type AlertListener = (alert: Alert) => void

export interface Alerting extends Service {
  /**
   * A device event the broker accepted and journalled (PROTOCOL §1), handed over in-process: an
   * invalid one is answered on the device's errors topic, a valid one processed once. What is not
   * processed here (before start, or on a failure) the journal sweep processes.
   */
  takeEvent(deviceId: DeviceId, payload: Buffer, receivedAtMs: number): void
  /**
   * A device event beyond its device's limits (broker/event-limits.ts `EventStorms`): processed as
   * usual when it is new, folded into its open alert when it repeats one, refused otherwise.
   */
  limited(deviceId: DeviceId, verdict: EventVerdict, receivedAtMs: number, over: 'rate' | 'in-flight', written: () => void): 'process' | 'folded' | 'refused'
  /** Telemetry ingest has checked, for the rules (when alerting has no telemetry connection of its own). */
  judgeTelemetry(items: readonly JudgedTelemetry[]): void
  acknowledge(alertId: string, by: string): Alert
  resolve(alertId: string, by: string, outcome: Outcome, note?: string): Alert
  /** A responder's note in the alert's history; open or closed, for the record. */
  addNote(alertId: string, by: string, text: string): { alert: Alert; entry: AlertHistoryEntry }
  onChange(listener: AlertListener): () => void
  health(): HealthReport
  /** Checks deadlines and silence rules now (also done every `tickIntervalMs`). */
  tick(): void
  /** A device acknowledged (PUBACK) a command: now it counts as delivered. */
  commandDelivered(deviceId: string, payload: Buffer): void
  /** A device subscribed to its commands: what it has not acknowledged, and its session no longer holds, goes again. */
  commandsSubscribed(deviceId: string, stillQueued: readonly Buffer[]): void
}

export function createAlerting(config: AlertingConfig, deps: AlertingDeps): Alerting {
  const log = deps.logger
  const listeners = new Set<AlertListener>()
  const raised = new Counter({ name: 'hearth_alerts_raised_total', help: 'Alerts raised, by priority and kind', labelNames: ['priority', 'kind'], registers: [deps.metrics] })
  const events = new Counter({ name: 'hearth_device_events_total', help: 'Device events processed, by type', labelNames: ['type'], registers: [deps.metrics] })
  const refused = new Counter({ name: 'hearth_device_events_refused_total', help: 'Device events refused as invalid', registers: [deps.metrics] })
  const duplicates = new Counter({ name: 'hearth_device_events_duplicate_total', help: 'Redelivered events ignored', registers: [deps.metrics] })
  const idReused = new Counter({ name: 'hearth_device_events_id_reused_total', help: 'Events whose id the device had used before for another event', registers: [deps.metrics] })
  const sweepFailures = new Counter({ name: 'hearth_device_events_failed_total', help: 'Journalled events that failed to process (retried)', registers: [deps.metrics] })
  const telemetryDropped = new Counter({
    name: 'hearth_rule_telemetry_dropped_total',
    help: 'Readings and status messages the rules skipped because they fell too far behind',
    registers: [deps.metrics],
  })
  const escalated = new Counter({ name: 'hearth_alerts_escalated_total', help: 'Alert deadlines passed, by priority and what followed', labelNames: ['priority', 'action'], registers: [deps.metrics] })
  let client: MqttClient | undefined
  let telemetry: MqttClient | undefined
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

  const storms = createEventStorms(config.eventStorms ?? DEFAULT_EVENT_STORMS, {
    logger: log.child({ part: 'event-limits' }),
    metrics: deps.metrics,
    clock: deps.clock,
    alerts: deps.alerts,
    inbox: deps.inbox,
    devices: deps.devices,
    absences: deps.absences,
    tell: (deviceId, message) => publishError(deviceId, message),
    announce(alert, change) {
      if (change === 'raised') raised.inc({ priority: alert.priority, kind: alert.kind })
      announce(alert)
    },
    onEvent: (personId, deviceId, event, atMs) => rules.onEvent(personId, deviceId, event, atMs),
  })

  /** Queues a command in the caller's transaction; `flushCommands` sends it once that has committed. */
  const enqueue = (deviceId: string, command: Omit<DeviceCommand, 'id' | 'ts'>): void => {
    const now = deps.clock.now()
    const full: DeviceCommand = { id: `c-${randomBytes(6).toString('hex')}`, ts: now / 1000, ...command }
    deps.outbox.enqueue({ id: full.id, deviceId, payload: JSON.stringify(full), createdAtMs: now })
  }

  const inFlight = new Set<string>()
  /** Publishes one command; it is marked sent once the broker has taken it (PUBACK), delivered once the device has. */
  const send = (command: { id: string; deviceId: string; payload: string }): void => {
    if (!client || inFlight.has(command.id)) return
    inFlight.add(command.id)
    client.publish(deviceTopic(command.deviceId, 'commands'), command.payload, { qos: 1 }, (error) => {
      inFlight.delete(command.id)
      if (error) return log.error({ err: error, deviceId: command.deviceId, commandId: command.id }, 'command not sent; will retry')
      deps.outbox.markSent(command.id, deps.clock.now())
    })
    log.info({ deviceId: command.deviceId, commandId: command.id }, 'command sent')
  }
  /** Sends every unsent command. */
  const flushCommands = (createdBeforeMs = Number.MAX_SAFE_INTEGER): void => {
    for (const command of deps.outbox.unsent(createdBeforeMs, 500)) send(command)
  }
  const receipts = createCommandReceipts({ outbox: deps.outbox, clock: deps.clock, logger: log, send })

  /** PROTOCOL §1: a redelivered event (same device, same id) is processed once, also across restarts. */
  const process = (deviceId: DeviceId, received: DeviceEvent, receivedAtMs: number): void => {
    let event = received
    let reused = false
    let personId: string | undefined
    const effect = deps.alerts.transaction(() => {
      const before = deps.inbox.recorded(deviceId, event.id)
      if (before?.processed) {
        // A redelivery repeats the same event soon after; the same id for another type, or a day
        // later, is a device whose counter started again (a reset, a reflash). Its alarm still counts.
        const redelivery = before.type === event.type && receivedAtMs - before.receivedAtMs < ID_REUSE_AFTER_MS
        if (redelivery) return 'duplicate' as const
        reused = true
        event = { ...event, id: `${event.id}~${receivedAtMs}` }
      }
      deps.inbox.record(deviceId, event, receivedAtMs)
      deps.devices.recordSeen(new Map([[deviceId, receivedAtMs]]))
      personId = deps.devices.personOf(deviceId)
      const owner = personId
      // PROTOCOL §1 extension: a planned absence silences medication reminders, never a call for help.
      const silenced = (kind: string): boolean => owner !== undefined && silencedByAbsence(kind) && deps.absences.activeAt(owner, receivedAtMs) !== undefined
      const result = owner === undefined ? undefined : applyDeviceEvent(deps.alerts, owner, deviceId, event, receivedAtMs, silenced)
      deps.inbox.markProcessed(deviceId, event.id, deps.clock.now())
      return result
    })
    if (effect === 'duplicate') {
      duplicates.inc()
      return
    }
    if (reused) {
      idReused.inc()
      sampled.line(deviceId, 'warn', { eventId: event.id }, 'device reused an event id; processed as a new event')
      tellDevice(deviceId, receivedAtMs, [{ code: 'notice', message: `event id reused; processed as ${event.id}` }])
    }
    events.inc({ type: event.type })
    if (effect === undefined) {
      sampled.line(deviceId, 'warn', { eventId: event.id }, 'event from a device with no person')
    } else if (effect.kind !== 'none') {
      const { alert } = effect
      const fields = { alertId: alert.id, kind: alert.kind, status: alert.status, occurrences: alert.occurrences }
      if (effect.kind === 'raised') {
        raised.inc({ priority: alert.priority, kind: alert.kind })
        log.info({ deviceId, ...fields }, 'alert raised by device event')
      } else {
        // A repeat: sampled per device, so that a flooding device costs a bounded number of lines.
        sampled.line(deviceId, 'info', fields, 'alert changed by device event')
      }
      announce(alert)
    }
    if (personId !== undefined) rules.onEvent(personId, deviceId, event, receivedAtMs)
  }

  /** Deadlines: an unanswered alert escalates, an acknowledged one left unresolved goes back to the queue. */
  const escalateDue = (): void => {
    for (const due of deps.alerts.due(deps.clock.now(), 500)) {
      try {
        const alert = transition(due.id, (a, now) => lifecycle.onDeadline(a, now), () => undefined)
        const action = alert.status === 'raised' && alert.reraisedCount > due.reraisedCount ? 'reraised' : 'escalated'
        escalated.inc({ priority: alert.priority, action })
        log.warn({ alertId: alert.id, kind: alert.kind, escalationLevel: alert.escalationLevel, action }, `alert ${action}`)
        announce(alert)
      } catch (error) {
        log.error({ err: error, alertId: due.id }, 'alert deadline failed; will retry')
      }
    }
  }

  const tick = (): void => {
    try {
      escalateDue()
      rules.tick()
    } catch (error) {
      log.error({ err: error }, 'alerting tick failed')
    }
  }

  /**
   * The timer's tick, in TICK_SLICES parts spread over the interval: deadlines on the first, and
   * a slice of the people's silence rules on each, so that with thousands of people no single
   * part holds the event loop (and an alarm behind it) for long.
   */
  let slice = 0
  const tickSlice = (): void => {
    const index = slice
    slice = (slice + 1) % TICK_SLICES
    try {
      if (index === 0) escalateDue()
      rules.tick({ index, of: TICK_SLICES })
    } catch (error) {
      log.error({ err: error }, 'alerting tick failed')
    }
  }

  /** Each entry on its own: one that keeps failing must not hold up those behind it. */
  const sweep = (): void => {
    try {
      // Commands left unsent by a crash or a broker hiccup go out again; recent ones may still be in flight.
      flushCommands(deps.clock.now() - 5000)
    } catch (error) {
      log.error({ err: error }, 'command outbox sweep failed')
    }
    let entries: ReturnType<EventInbox['pending']> = []
    try {
      entries = deps.inbox.pending(500)
    } catch (error) {
      log.error({ err: error }, 'event journal sweep failed')
    }
    for (const entry of entries) {
      try {
        process(entry.deviceId, entry.event, entry.receivedAtMs)
      } catch (error) {
        sweepFailures.inc()
        log.error({ err: error, deviceId: entry.deviceId, eventId: entry.event.id }, 'journalled event failed to process; will retry')
      }
    }
  }

  let running = false
  const takeEvent = (deviceId: DeviceId, payload: Buffer, receivedAtMs: number): void => {
    // Before start the sweep at start takes what was journalled; after close, the next start does.
    if (!running) return
    const verdict = parseDeviceEvent(payload)
    if (!verdict.ok) {
      refused.inc()
      sampled.line(deviceId, 'info', { problems: verdict.problems }, 'event refused')
      tellDevice(deviceId, receivedAtMs, verdict.problems.map((p) => ({ code: 'invalid' as const, message: `${p.field}: ${p.message}` })))
      return
    }
    if (verdict.notices.length > 0) {
      tellDevice(deviceId, receivedAtMs, verdict.notices.map((message) => ({ code: 'notice' as const, message })))
    }
    try {
      process(deviceId, verdict.event, receivedAtMs)
    } catch (error) {
      // Still in the journal: the sweep retries it.
      log.error({ err: error, deviceId, eventId: verdict.event.id }, 'event processing failed')
    }
  }

  const tellDevice = (deviceId: DeviceId, receivedAtMs: number, refusedItems: Array<{ code: 'invalid' | 'notice'; message: string }>): void => {
    publishError(deviceId, { topic: 'events', receivedAt: new Date(receivedAtMs).toISOString(), refused: refusedItems })
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

  /** One atomic step: the alert change, its history and the commands it causes commit together. */
  const transition = (alertId: string, change: (alert: Alert, now: number) => lifecycle.Transition, commands: (alert: Alert) => void): Alert =>
    deps.alerts.transaction(() => {
      const alert = deps.alerts.get(alertId)
      if (!alert) throw new HearthError('not_found', `no alert ${alertId}`)
      const result = change(alert, deps.clock.now())
      if (!result.ok) throw new HearthError('conflict', `alert ${alertId} is ${result.reason}`)
      deps.alerts.update(result.alert)
      deps.alerts.addHistory(result.alert.id, result.entry)
      commands(result.alert)
      return result.alert
    })

  return {
    async start() {
      rules.start()
      storms.restore(deps.alerts.list('open', 10_000))
      sweep()
      // After a restart, overdue alerts escalate at once.
      tick()
      // Events come from the broker in-process (takeEvent); this connection sends commands and answers.
      client = await deps.connect(() => undefined)
      client.on('error', (error) => log.error({ err: error }, 'alerting mqtt error'))
      running = true
      // What was journalled while this connected, now rather than at the next sweep.
      sweep()
      if (deps.connectTelemetry) {
        telemetry = await deps.connectTelemetry((topic, payload, packet) => rules.onTelemetry(topic, payload, packet))
        telemetry.on('error', (error) => log.error({ err: error }, 'alerting telemetry mqtt error'))
        // Readings at QoS 0: a rule misses nothing it needs from one lost reading, and the broker queues nothing for it.
        await telemetry.subscribeAsync({ [allDevicesTopic('readings')]: { qos: 0 }, [allDevicesTopic('status')]: { qos: 1 } })
      }
      sweeper = setInterval(sweep, config.sweepIntervalMs)
      ticker = setInterval(tickSlice, config.tickIntervalMs / TICK_SLICES)
      stormWriter = setInterval(writeStorms, (config.eventStorms ?? DEFAULT_EVENT_STORMS).writeIntervalMs)
      log.info('alerting started')
    },
    tick() {
      rules.refreshDevices()
      tick()
    },
    commandDelivered: (deviceId, payload) => receipts.delivered(deviceId, payload),
    commandsSubscribed: (deviceId, stillQueued) => receipts.subscribed(deviceId, stillQueued),
    acknowledge(alertId, by) {
      const alert = transition(alertId, (a, now) => lifecycle.acknowledge(a, by, now), (a) => {
        enqueue(a.deviceId, { type: 'alarm.acknowledged', alertId, text: ACKNOWLEDGED_TEXT })
      })
      log.info({ alertId, by }, 'alert acknowledged')
      flushCommands()
      announce(alert)
      return alert
    },
    resolve(alertId, by, outcome, note) {
      let wasRaised = false
      const alert = transition(
        alertId,
        (a, now) => {
          wasRaised = a.status === 'raised'
          return lifecycle.resolve(a, by, outcome, note, now)
        },
        (a) => {
          if (wasRaised) enqueue(a.deviceId, { type: 'alarm.acknowledged', alertId, text: ACKNOWLEDGED_TEXT })
          enqueue(a.deviceId, { type: 'alarm.resolved', alertId, text: RESOLVED_TEXT })
        },
      )
      log.info({ alertId, by, outcome }, 'alert resolved')
      flushCommands()
      announce(alert)
      return alert
    },
    addNote(alertId, by, text) {
      const result = deps.alerts.transaction(() => {
        const alert = deps.alerts.get(alertId)
        if (!alert) throw new HearthError('not_found', `no alert ${alertId}`)
        const entry: AlertHistoryEntry = { at: new Date(deps.clock.now()).toISOString(), action: 'note', by, detail: text }
        deps.alerts.addHistory(alert.id, entry)
        return { alert, entry }
      })
      // Who and where, never what: a note is health data.
      log.info({ alertId, by }, 'note added to alert')
      return result
    },
    onChange(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    health: () => ({ component: 'alerting', ok: client?.connected === true && (!deps.connectTelemetry || telemetry?.connected === true) }),
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
        await telemetry?.endAsync(true)
        await client?.endAsync(true)
        listeners.clear()
        log.info('alerting closed')
      })()
      return closing
    },
  }
}
