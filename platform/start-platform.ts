import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import type { Logger } from 'pino'
import { Registry, collectDefaultMetrics } from 'prom-client'
import { createAlerting } from '../alerting/create-alerting.js'
import { addressKey } from '../broker/client-address.js'
import { issueDeviceSecret } from '../broker/device-secret.js'
import type { Clock } from '../contract/index.js'
import type { Notifications } from '../notifications/create-notifications.js'
import { createDashboard } from '../dashboard/create-dashboard.js'
import { renderMetrics } from '../dashboard/metrics-endpoint.js'
import { createCommandOutbox } from '../stores/command-outbox.js'
import { createDeviceRepository } from '../stores/device-repository.js'
import type { SignInLimitSettings } from '../stores/sign-in-limits.js'
import { createRuleStateRepository } from '../stores/rule-state-repository.js'
import { bootstrapAdmin } from './bootstrap-admin.js'
import type { Config } from './config.js'
import { SERVICE_USERS, serviceConnector, serviceCredential } from './connect-service-client.js'
import { createHttpServer, listen, routeUpgrades, stopHttp } from './http-server.js'
import { createIngestInProcess, createIngestThread } from './ingest-thread-host.js'
import { startMetricsServer } from './metrics-server.js'
import { OPEN_IN_CLEAR, openInClear } from './open-in-clear.js'
import { monitoredCarePlans } from './monitored-care-plans.js'
import { openStores } from './open-stores.js'
import { platformNotifications } from './platform-notifications.js'
import { startPlatformBroker } from './platform-broker.js'
import { scheduleRetention } from './readings-retention.js'
import { servedUrls } from './served-urls.js'
import { proxyTrust } from './trusted-proxies.js'
import { createServiceStack } from './service-stack.js'
import { verifyAuditInThread } from './verify-audit-in-thread.js'

export interface RunningPlatform {
  httpPort: number
  mqttPort: number
  /** The MQTT over TLS port, when TLS is configured. */
  mqttsPort?: number
  /** `/metrics` on 127.0.0.1, when HEARTH_METRICS_PORT is set. */
  metricsPort?: number
  /** Set only when this start created the admin user with a generated password (for callers in this process). */
  generatedAdminPassword?: string
  /** The owner-only file in the data folder that holds that password. */
  adminPasswordFile?: string
  /** Checks alert deadlines and the silence rules now, as the platform does every second. */
  tick(): void
  /** Emails queued as the platform queues them (notifications/create-notifications.ts), for callers in this process. */
  enqueueEmail: Notifications['enqueueEmail']
  close(): Promise<void>
}

const systemClock: Clock = { now: () => Date.now() }

export interface PlatformOptions {
  /**
   * Where readings are parsed and stored: a thread of their own (the default with the system
   * clock), or the event loop that carries alarms (always with a clock of the caller's, which
   * cannot cross into a thread; the load bench also uses it to show the difference).
   */
  ingest?: 'thread' | 'loop'
  /** Where the MQTT broker runs: a thread of its own (the default with the system clock), or the event loop that carries alarms. */
  broker?: 'thread' | 'loop'
  /**
   * Sign-in limits other than `SIGN_IN_LIMITS`: short windows and holds for tests, since the
   * limits' store keeps time by the system clock, not the platform's.
   */
  signInLimits?: SignInLimitSettings
}

/** The composition root: opens the stores, starts every service, and closes them in reverse. */
export async function startPlatform(config: Config, logger: Logger, clock: Clock = systemClock, options: PlatformOptions = {}): Promise<RunningPlatform> {
  const metrics = new Registry()
  collectDefaultMetrics({ register: metrics, prefix: 'hearth_process_' })
  const stores = openStores(config, logger, metrics, options.signInLimits)
  const { db, telemetryDb, readingsStore, devices, journal } = stores

  const generatedAdmin = await bootstrapAdmin(config, stores.users, clock, logger)
  const servicePassword = config.servicePassword ?? randomBytes(24).toString('base64url')
  const services = createServiceStack(logger)
  // With a key and certificate, HTTPS only on the HTTP port (and MQTT over TLS beside it, in the broker).
  const server = createHttpServer(config.tls)

  const closeAll = async (): Promise<void> => {
    const httpClosed = stopHttp(server)
    // First the devices: nothing more is acknowledged, and what was is on disk when the readings
    // log closes; then ingest stores what the log holds, alerting finishes, the rest in reverse.
    await services.close()
    await Promise.race([httpClosed, new Promise((resolve) => setTimeout(resolve, 5000).unref())])
    await stores.close()
    logger.info('hearth stopped')
  }

  try {
    await readingsStore.start()
    // Readings are parsed, checked and stored in a thread of their own, and the broker runs in
    // another, so that neither telemetry nor its parsing and routing ever hold up alarms.
    const inThread = clock === systemClock
    const { broker, service: brokerService, readingsLog, metricsText: brokerMetrics, handOver } = await startPlatformBroker(
      config,
      { logger, metrics, clock, credentials: devices, journal, servicePassword },
      inThread && options.broker !== 'loop' ? 'thread' : 'loop',
    )
    // Closed first: nothing more is acknowledged, and what was is on disk, before ingest reads the log to its end.
    services.started(brokerService)
    services.stopFirst(brokerService)
    routeUpgrades(server, broker)
    const loopback = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host
    const mqttUrl = `mqtt://${loopback}:${broker.port()}`

    const alerting = createAlerting(
      { sweepIntervalMs: 1000, tickIntervalMs: 1000 },
      {
        logger: logger.child({ component: 'alerting' }),
        metrics,
        clock,
        connect: serviceConnector(mqttUrl, SERVICE_USERS.alerting, serviceCredential(servicePassword, SERVICE_USERS.alerting)),
        carePlans: monitoredCarePlans(stores.careSettings, stores.people, stores.wishes),
        absences: stores.absences,
        // The rules' saved state goes by the connection that does not wait for the disk: it changes with readings.
        activity: { lastActivityByPerson: (types) => journal.lastActivityByPerson(types), ruleStates: createRuleStateRepository(telemetryDb) },
        alerts: stores.alerts,
        inbox: journal,
        outbox: createCommandOutbox(db),
        devices,
        followUps: stores.followUps,
      },
    )
    handOver(alerting)
    // Every alert change, from its first (escalations overdue at start included), reaches the outbox.
    const notifications = platformNotifications(config, { logger, metrics, clock, stores })
    alerting.onChange((alert) => notifications.alertChanged(alert))
    await alerting.start()
    services.started(alerting)
    await notifications.start()
    services.started(notifications)

    const ingestSetup = {
      store: { dataDir: config.dataDir, influx: config.influx, retention: config.retention },
      ingest: { flushIntervalMs: 100, maxBatch: 5000, maxPending: 200_000 },
      mqttUrl,
      username: SERVICE_USERS.ingest,
      password: serviceCredential(servicePassword, SERVICE_USERS.ingest),
      logLevel: logger.level,
    }
    const ingest = inThread && options.ingest !== 'loop'
      ? createIngestThread(ingestSetup, { logger, log: readingsLog, devices: createDeviceRepository(telemetryDb), onTelemetry: (items) => alerting.judgeTelemetry(items) })
      : createIngestInProcess(ingestSetup, { logger, metrics, clock, log: readingsLog, devices, onTelemetry: (items) => alerting.judgeTelemetry(items) })
    await ingest.start()
    services.started(ingest)

    const dashboard = createDashboard(
      {
        sessionTtlMs: config.sessionTtlMs,
        secureCookies: config.secureCookies,
        trustProxy: proxyTrust(config.trustProxy),
        publicOrigins: config.publicOrigins,
        metricsToken: config.metrics.token,
        twoFactorGraceMs: config.twoFactorGraceMs,
      },
      {
        server,
        logger: logger.child({ component: 'dashboard' }),
        metrics,
        clock,
        users: stores.users,
        people: stores.people,
        devices,
        issueDeviceSecret,
        disconnectDevice: (deviceId) => {
          broker.disconnect(deviceId)
          ingest.deviceChanged(deviceId)
        },
        endDeviceConnectionAt: (deviceId, untilMs) => broker.secretReplaced(deviceId, untilMs),
        deviceMoved: (deviceId) => {
          alerting.deviceMoved(deviceId)
          ingest.deviceChanged(deviceId)
        },
        alerts: stores.alerts,
        events: journal,
        desk: alerting,
        readings: readingsStore,
        careSettings: stores.careSettings,
        absences: stores.absences,
        organisations: stores.organisations,
        circles: stores.circles,
        breakGlass: stores.breakGlass,
        notes: stores.notes,
        wishes: stores.wishes,
        responsePlans: stores.responsePlans,
        calls: stores.calls,
        followUps: stores.followUps,
        attendance: stores.attendance,
        callScripts: stores.callScripts,
        incidentHolds: stores.incidentHolds,
        enqueueEmail: (email, key) => notifications.enqueueEmail(email, key),
        audit: stores.audit,
        signInLimits: stores.signInLimits,
        twoFactor: stores.twoFactor,
        // Sign-in limits and password checks count addresses as MQTT's limits do: IPv6 by its /64.
        addressKey,
        verifyAudit: () => verifyAuditInThread(join(config.dataDir, 'hearth.db')),
        webhooks: notifications.webhooks,
        transaction: (fn) => db.transaction(fn)(),
        health: async () => [broker.health(), ...(await ingest.health()), alerting.health(), { component: 'dashboard', ok: server.listening }],
        extraMetrics: () => threadMetrics(ingest, brokerMetrics),
      },
    )
    await dashboard.start()
    services.started(dashboard)

    const httpPort = await listen(server, config.httpPort, config.host, logger)
    let metricsPort: number | undefined
    if (config.metrics.port !== undefined) {
      const served = await startMetricsServer(config.metrics.port, () => renderMetrics(metrics, () => threadMetrics(ingest, brokerMetrics)), metrics.contentType, logger)
      services.started(served.service)
      metricsPort = served.port
    }
    services.started(scheduleRetention(readingsStore, config, clock, logger))
    const urls = servedUrls(config, { httpPort, mqttPort: broker.port(), mqttsPort: broker.tlsPort() })
    logger.info({ httpPort, mqttPort: broker.port(), metricsPort, dataDir: config.dataDir, readingsStore: readingsStore.kind, ...urls }, 'hearth is up')
    if (openInClear(config)) logger.warn({ host: config.host }, OPEN_IN_CLEAR)
    return {
      httpPort,
      mqttPort: broker.port(),
      ...(broker.tlsPort() === undefined ? {} : { mqttsPort: broker.tlsPort() }),
      ...(metricsPort === undefined ? {} : { metricsPort }),
      ...(generatedAdmin ? { generatedAdminPassword: generatedAdmin.password, adminPasswordFile: generatedAdmin.file } : {}),
      tick: () => alerting.tick(),
      enqueueEmail: (email, key) => notifications.enqueueEmail(email, key),
      close: closeAll,
    }
  } catch (error) {
    await closeAll()
    throw error
  }
}

/** The metrics the platform's threads keep apart (ingest's, the broker's), for /metrics. */
async function threadMetrics(ingest: { metricsText(): Promise<string> }, broker: () => Promise<string>): Promise<string> {
  // Each thread's own: one that does not answer in time leaves the other's in.
  const answers = await Promise.allSettled([ingest.metricsText(), broker()])
  return answers.flatMap((answer) => (answer.status === 'fulfilled' && answer.value.length > 0 ? [answer.value] : [])).join('\n')
}
