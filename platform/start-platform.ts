import { randomBytes } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import { join } from 'node:path'
import type { Logger } from 'pino'
import { Registry, collectDefaultMetrics } from 'prom-client'
import { createAlerting, type Alerting } from '../alerting/create-alerting.js'
import { createBroker } from '../broker/create-broker.js'
import { issueDeviceSecret } from '../broker/device-secret.js'
import { DEFAULT_EVENT_LIMITS, createEventGate } from '../broker/event-limits.js'
import type { EventSink } from '../broker/ports.js'
import { SOCKET_PATH, type Clock, type Service } from '../contract/index.js'
import { createDashboard } from '../dashboard/create-dashboard.js'
import { hashPassword } from '../dashboard/password-hash.js'
import { createAbsenceRepository } from '../stores/absence-repository.js'
import { createAlertRepository } from '../stores/alert-repository.js'
import { createAuditLog } from '../stores/audit-log.js'
import { createBreakGlassRepository } from '../stores/break-glass-repository.js'
import { createCircleRepository } from '../stores/circle-repository.js'
import { createOrganisationRepository, DEFAULT_ORGANISATION_ID } from '../stores/organisation-repository.js'
import { createPersonNoteRepository } from '../stores/person-note-repository.js'
import { createCareSettingsRepository } from '../stores/care-settings-repository.js'
import { createCommandOutbox } from '../stores/command-outbox.js'
import { createDeviceRepository } from '../stores/device-repository.js'
import { createEventJournal } from '../stores/event-journal.js'
import { READINGS_LOG_FOLDER, ReadingsLogWriter } from '../stores/readings-log.js'
import { openDatabase } from '../stores/open-database.js'
import { OPERATIONAL_MIGRATIONS } from '../stores/operational-schema.js'
import { createPersonRepository } from '../stores/person-repository.js'
import { createRuleStateRepository } from '../stores/rule-state-repository.js'
import type { ReadingsStore } from '../stores/readings-store.js'
import { createUserRepository } from '../stores/user-repository.js'
import type { Config } from './config.js'
import { serviceConnector } from './connect-service-client.js'
import { createIngestInProcess, createIngestThread } from './ingest-thread-host.js'
import { openReadingsStore } from './readings-store-factory.js'
import { verifyAuditInThread } from './verify-audit-in-thread.js'

export interface RunningPlatform {
  httpPort: number
  mqttPort: number
  /** The MQTT over TLS port, when TLS is configured. */
  mqttsPort?: number
  /** Set only when this start created the admin user with a generated password. */
  generatedAdminPassword?: string
  /** Checks alert deadlines and the silence rules now, as the platform does every second. */
  tick(): void
  close(): Promise<void>
}

const systemClock: Clock = { now: () => Date.now() }

/** The platform's own MQTT identities: the colon keeps them apart from every possible device id. */
const SERVICE_USERS = { ingest: 'hearth:ingest', alerting: 'hearth:alerting' } as const

/** The composition root: opens the stores, starts every service, and closes them in reverse. */
export interface PlatformOptions {
  /**
   * Where readings are parsed and stored: a thread of their own (the default with the system
   * clock), or the event loop that carries alarms (always with a clock of the caller's, which
   * cannot cross into a thread; the load bench also uses it to show the difference).
   */
  ingest?: 'thread' | 'loop'
}

export async function startPlatform(config: Config, logger: Logger, clock: Clock = systemClock, options: PlatformOptions = {}): Promise<RunningPlatform> {
  const metrics = new Registry()
  collectDefaultMetrics({ register: metrics, prefix: 'hearth_process_' })
  const db = openDatabase(join(config.dataDir, 'hearth.db'), OPERATIONAL_MIGRATIONS, { synchronous: 'FULL' })
  // Devices' last seen and status, a second connection that does not wait for the disk on each
  // commit (an alarm's transaction on \`db\` does): on this thread too, so never a second writer at once.
  const telemetryDb = openDatabase(join(config.dataDir, 'hearth.db'), OPERATIONAL_MIGRATIONS, { synchronous: 'NORMAL' })
  // The platform reads readings (charts, latest values) and applies retention; the ingest thread writes them.
  // The audit log's own connection: entries are written on the dashboard's path, never waiting for the disk that alarms wait for.
  const auditDb = openDatabase(join(config.dataDir, 'hearth.db'), OPERATIONAL_MIGRATIONS, { synchronous: 'NORMAL' })
  const readingsStore = openReadingsStore(config, 'reader', logger, metrics)
  const users = createUserRepository(db)
  const people = createPersonRepository(db)
  const devices = createDeviceRepository(db)
  const journal = createEventJournal(db)
  const alerts = createAlertRepository(db)
  const careSettings = createCareSettingsRepository(db)
  const absences = createAbsenceRepository(db)
  const organisations = createOrganisationRepository(db)
  const circles = createCircleRepository(db)
  const breakGlass = createBreakGlassRepository(db)
  const notes = createPersonNoteRepository(db)
  const audit = createAuditLog(auditDb)

  const generatedAdminPassword = await bootstrapAdmin(config, users, clock, logger)
  const servicePassword = config.servicePassword ?? randomBytes(24).toString('base64url')
  const started: Service[] = []
  const stopFirst: Service[] = []
  const server: Server = createServer()
  server.headersTimeout = 20_000
  server.requestTimeout = 30_000

  const closeAll = async (): Promise<void> => {
    // Stop taking requests; upgraded connections (live dashboards, MQTT over WebSocket) close with their services.
    const httpClosed = new Promise<void>((resolve) => server.close(() => resolve()))
    server.closeAllConnections()
    // First the devices: nothing more is acknowledged, and what was is on disk when the readings
    // log closes; then ingest stores what the log holds, alerting finishes, the rest in reverse.
    for (const service of stopFirst.splice(0)) {
      try {
        await service.close()
      } catch (error) {
        logger.error({ err: error }, 'a service failed to close')
      }
    }
    for (const service of started.reverse()) {
      try {
        await service.close()
      } catch (error) {
        logger.error({ err: error }, 'a service failed to close')
      }
    }
    started.length = 0
    await Promise.race([httpClosed, new Promise((resolve) => setTimeout(resolve, 5000).unref())])
    await readingsStore.close()
    telemetryDb.close()
    auditDb.close()
    db.close()
    logger.info('hearth stopped')
  }

  try {
    await readingsStore.start()
    // Readings are on disk here before a device is told they are delivered; ingest reads them from here.
    // Closed after the broker (services close in reverse), so that nothing is acknowledged without it.
    const readingsLog = await ReadingsLogWriter.open(join(config.dataDir, READINGS_LOG_FOLDER))
    const readingsLogService: Service = { start: () => Promise.resolve(), close: () => readingsLog.close() }
    started.push(readingsLogService)
    // Device events go from the broker straight to alerting in this process (alerting is created after the broker).
    const handOff: { to?: EventSink; commands?: Alerting; storms?: Alerting } = {}
    // Beyond a device's event limits, alerting folds its repeats or refuses them (broker/event-limits.ts).
    const eventGate = createEventGate(DEFAULT_EVENT_LIMITS, {
      clock,
      storms: { limited: (deviceId, verdict, receivedAtMs, over, written) => handOff.storms?.limited(deviceId, verdict, receivedAtMs, over, written) ?? 'process' },
    })
    const broker = createBroker(
      { host: config.host, port: config.mqttPort, ...(config.tls ? { tls: config.tls } : {}), maxPacketBytes: config.maxPacketBytes, connectTimeoutMs: config.connectTimeoutMs },
      {
        logger: logger.child({ component: 'broker' }),
        metrics,
        clock,
        credentials: devices,
        journal,
        readingsLog,
        events: (deviceId, taken, receivedAtMs) => handOff.to?.(deviceId, taken, receivedAtMs),
        eventGate,
        // What devices do with their commands, to alerting's outbox: delivered only when a device acknowledged it.
        commands: {
          delivered: (deviceId, payload) => handOff.commands?.commandDelivered(deviceId, payload),
          subscribed: (deviceId, stillQueued) => handOff.commands?.commandsSubscribed(deviceId, stillQueued),
        },
        services: [
          { username: SERVICE_USERS.ingest, password: servicePassword, role: 'ingest' },
          { username: SERVICE_USERS.alerting, password: servicePassword, role: 'alerting' },
        ],
      },
    )
    await broker.start()
    started.push(broker)
    stopFirst.push(broker, readingsLogService)
    server.on('upgrade', (req, socket, head) => {
      const path = (req.url ?? '').split('?')[0]
      if (path === '/mqtt') broker.handleUpgrade(req, socket, head)
      // socket.io answers its own upgrades; anything else is closed rather than left open.
      else if (!path?.startsWith(`${SOCKET_PATH}/`)) socket.destroy()
    })
    const loopback = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host
    const mqttUrl = `mqtt://${loopback}:${broker.port()}`

    // Readings are parsed, checked and stored in a thread of their own, so that telemetry never holds up alarms.
    const inThread = clock === systemClock && options.ingest !== 'loop'
    const alerting = createAlerting(
      { sweepIntervalMs: 1000, tickIntervalMs: 1000 },
      {
        logger: logger.child({ component: 'alerting' }),
        metrics,
        clock,
        connect: serviceConnector(mqttUrl, SERVICE_USERS.alerting, servicePassword),
        carePlans: careSettings,
        absences,
        // The rules' saved state goes by the connection that does not wait for the disk: it changes with readings.
        activity: { lastActivityByPerson: (types) => journal.lastActivityByPerson(types), ruleStates: createRuleStateRepository(telemetryDb) },
        alerts,
        inbox: journal,
        outbox: createCommandOutbox(db),
        devices,
      },
    )
    handOff.to = (deviceId, taken, receivedAtMs) => alerting.takeEvent(deviceId, taken, receivedAtMs)
    handOff.commands = alerting
    handOff.storms = alerting
    await alerting.start()
    started.push(alerting)

    const ingestSetup = {
      store: { dataDir: config.dataDir, influx: config.influx, retention: config.retention },
      ingest: { flushIntervalMs: 100, maxBatch: 5000, maxPending: 200_000 },
      mqttUrl,
      username: SERVICE_USERS.ingest,
      password: servicePassword,
      logLevel: logger.level,
    }
    const ingest = inThread
      ? createIngestThread(ingestSetup, { logger, log: readingsLog, devices: createDeviceRepository(telemetryDb), onTelemetry: (items) => alerting.judgeTelemetry(items) })
      : createIngestInProcess(ingestSetup, { logger, metrics, clock, log: readingsLog, devices, onTelemetry: (items) => alerting.judgeTelemetry(items) })
    await ingest.start()
    started.push(ingest)

    const dashboard = createDashboard(
      { sessionTtlMs: config.sessionTtlMs, secureCookies: config.secureCookies, trustProxy: config.trustProxy },
      {
        server,
        logger: logger.child({ component: 'dashboard' }),
        metrics,
        clock,
        users,
        people,
        devices,
        issueDeviceSecret,
        alerts,
        events: journal,
        desk: alerting,
        readings: readingsStore,
        careSettings,
        absences,
        organisations,
        circles,
        breakGlass,
        notes,
        audit,
        verifyAudit: () => verifyAuditInThread(join(config.dataDir, 'hearth.db')),
        transaction: (fn) => db.transaction(fn)(),
        health: async () => [broker.health(), ...(await ingest.health()), alerting.health(), { component: 'dashboard', ok: server.listening }],
        extraMetrics: () => ingest.metricsText(),
      },
    )
    await dashboard.start()
    started.push(dashboard)

    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(config.httpPort, config.host, () => resolve())
    })
    // After listen, accept errors (such as EMFILE) are logged; they must not end the process.
    server.on('error', (error) => logger.error({ err: error }, 'http server error'))
    const address = server.address()
    const httpPort = typeof address === 'object' && address ? address.port : config.httpPort
    scheduleRetention(readingsStore, config, clock, logger, started)
    logger.info({ httpPort, mqttPort: broker.port(), dataDir: config.dataDir, readingsStore: readingsStore.kind }, 'hearth is up')
    return {
      httpPort,
      mqttPort: broker.port(),
      ...(broker.tlsPort() === undefined ? {} : { mqttsPort: broker.tlsPort() }),
      ...(generatedAdminPassword ? { generatedAdminPassword } : {}),
      tick: () => alerting.tick(),
      close: closeAll,
    }
  } catch (error) {
    await closeAll()
    throw error
  }
}

/** Applies the readings retention now and every hour, without holding up start-up. */
function scheduleRetention(store: ReadingsStore, config: Config, clock: Clock, logger: Logger, started: Service[]): void {
  const log = logger.child({ component: 'retention' })
  let running: Promise<void> | undefined
  const run = (): void => {
    running ??= store
      .applyRetention(clock.now(), config.retention)
      .then(
        (result) => {
          if (result.removed > 0) log.info(result, 'readings retention applied')
        },
        (error: unknown) => log.error({ err: error }, 'readings retention failed'),
      )
      .finally(() => {
        running = undefined
      })
  }
  run()
  const timer = setInterval(run, 3_600_000)
  timer.unref()
  started.push({
    start: () => Promise.resolve(),
    close: async () => {
      clearInterval(timer)
      await running
    },
  })
}

/** PROTOCOL §3: on a fresh data dir, create `admin` with HEARTH_ADMIN_PASSWORD or a generated one. */
async function bootstrapAdmin(
  config: Config,
  users: ReturnType<typeof createUserRepository>,
  clock: Clock,
  logger: Logger,
): Promise<string | undefined> {
  if (users.count() > 0) return undefined
  const password = config.adminPassword ?? randomBytes(12).toString('base64url')
  users.create(
    { username: 'admin', displayName: 'Administrator', passwordHash: await hashPassword(password), roles: ['admin'], organisationId: DEFAULT_ORGANISATION_ID },
    clock.now(),
  )
  logger.info('created user admin')
  return config.adminPassword ? undefined : password
}
