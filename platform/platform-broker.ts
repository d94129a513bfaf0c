import { join } from 'node:path'
import type { Alerting } from '../alerting/create-alerting.js'
import { createBroker, type Broker, type BrokerDeps } from '../broker/create-broker.js'
import { DEFAULT_EVENT_LIMITS, createEventGate } from '../broker/event-limits.js'
import { createEventAdmission } from '../broker/event-admission.js'
import type { EventJournal, EventSink } from '../broker/ports.js'
import type { Service } from '../contract/index.js'
import { READINGS_LOG_FOLDER, ReadingsLogWriter } from '../stores/readings-log.js'
import type { Config } from './config.js'
import { platformServices, serviceAddressCheck } from './broker-access.js'
import { createBrokerThread } from './broker-thread-host.js'
import type { ReadingsLogEnd } from './ingest-thread-host.js'
import { proxyTrust } from './trusted-proxies.js'

/** The broker as the platform runs it, wherever it runs. */
export interface PlatformBroker {
  broker: Broker
  /** Closes the broker, then the readings log: nothing more is acknowledged, and what was is on disk. */
  service: Service
  /** What ingest reads the readings log up to. */
  readingsLog: ReadingsLogEnd
  /** The broker's metrics when it keeps them apart (its thread's), for /metrics. */
  metricsText: () => Promise<string>
  /** From now on device events, command receipts and devices over their limits go to `alerting`. */
  handOver: (alerting: Alerting) => void
}

type PlatformBrokerDeps = Pick<BrokerDeps, 'logger' | 'metrics' | 'clock' | 'credentials'> & { journal: EventJournal; servicePassword: string }

/**
 * The MQTT broker as the platform runs it: devices sign in with their credentials, ingest and
 * alerting each with a credential of its own and only from the addresses allowed (loopback unless
 * set); readings are logged before they are acknowledged, device events admitted (held to each
 * device's limits, journalled, handed to alerting) before they are. In a thread of its own (the
 * default: alarms never wait behind the parsing and routing of readings), or on the platform's
 * event loop (for a clock of the caller's, which cannot cross into a thread). Alerting is created
 * after the broker; `handOver` connects it.
 */
export async function startPlatformBroker(config: Config, deps: PlatformBrokerDeps, where: 'thread' | 'loop'): Promise<PlatformBroker> {
  const logger = deps.logger.child({ component: 'broker' })
  const admission = platformEventAdmission({ ...deps, logger })
  const handOff: { commands?: Alerting } = {}
  // What devices do with their commands, to alerting's outbox: delivered only when a device acknowledged it.
  const commands = {
    delivered: (deviceId: Parameters<Alerting['commandDelivered']>[0], payload: Buffer) => handOff.commands?.commandDelivered(deviceId, payload),
    subscribed: (deviceId: Parameters<Alerting['commandsSubscribed']>[0], stillQueued: readonly Buffer[]) => handOff.commands?.commandsSubscribed(deviceId, stillQueued),
  }
  const handOver = (alerting: Alerting): void => {
    admission.handOver(alerting)
    handOff.commands = alerting
  }
  if (where === 'thread') {
    const thread = createBrokerThread(
      {
        dataDir: config.dataDir,
        host: config.host,
        port: config.mqttPort,
        ...(config.tls ? { tls: config.tls } : {}),
        maxPacketBytes: config.maxPacketBytes,
        connectTimeoutMs: config.connectTimeoutMs,
        trustProxy: config.trustProxy,
        serviceAddresses: config.serviceAddresses,
        services: platformServices(deps.servicePassword),
        logLevel: deps.logger.level,
      },
      // The thread's lines carry their component already.
      { logger: deps.logger, admitEvent: admission.admit, commands: () => commands },
    )
    await thread.start()
    return { broker: thread, service: thread, readingsLog: thread.readingsLog, metricsText: () => thread.metricsText(), handOver }
  }
  // Readings are on disk here before a device is told they are delivered; ingest reads them from here.
  const readingsLog = await ReadingsLogWriter.open(join(config.dataDir, READINGS_LOG_FOLDER))
  const broker = createBroker(
    {
      host: config.host,
      port: config.mqttPort,
      ...(config.tls ? { tls: config.tls } : {}),
      maxPacketBytes: config.maxPacketBytes,
      connectTimeoutMs: config.connectTimeoutMs,
      // Failed CONNECTs are limited by the broker's defaults (broker/connect-limits.ts), per client
      // address: behind the reverse proxy MQTT over WebSocket takes it from X-Forwarded-For.
      trustProxy: proxyTrust(config.trustProxy),
      serviceAddresses: serviceAddressCheck(config),
    },
    { ...deps, logger, readingsLog, admitEvent: admission.admit, commands, services: platformServices(deps.servicePassword) },
  )
  try {
    await broker.start()
  } catch (error) {
    await readingsLog.close()
    throw error
  }
  const service: Service = {
    start: () => Promise.resolve(),
    async close() {
      await broker.close()
      await readingsLog.close()
    },
  }
  return { broker, service, readingsLog, metricsText: () => Promise.resolve(''), handOver }
}

/**
 * Device events as the platform admits them, in its own thread (wherever the broker runs): held to
 * each device's limits, journalled, then handed to alerting.
 */
function platformEventAdmission(deps: Pick<BrokerDeps, 'logger' | 'clock'> & { journal: EventJournal }) {
  const handOff: { to?: EventSink; storms?: Alerting } = {}
  // Beyond a device's event limits, alerting folds its repeats or refuses them (broker/event-limits.ts).
  const eventGate = createEventGate(DEFAULT_EVENT_LIMITS, {
    clock: deps.clock,
    storms: { limited: (deviceId, verdict, receivedAtMs, over, written) => handOff.storms?.limited(deviceId, verdict, receivedAtMs, over, written) ?? 'process' },
  })
  return {
    admit: createEventAdmission({ logger: deps.logger, journal: deps.journal, eventGate, events: (deviceId, taken, receivedAtMs) => handOff.to?.(deviceId, taken, receivedAtMs) }),
    handOver(alerting: Alerting): void {
      handOff.to = (deviceId, taken, receivedAtMs) => alerting.takeEvent(deviceId, taken, receivedAtMs)
      handOff.storms = alerting
    },
  }
}
