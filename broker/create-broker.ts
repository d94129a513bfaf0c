import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net'
import { createServer as createTlsServer } from 'node:tls'
import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { Aedes, type AedesOptions, type Client } from 'aedes'
import { WebSocketServer, createWebSocketStream } from 'ws'
import type { Logger } from 'pino'
import { Counter, Gauge, type Registry } from 'prom-client'
import type { Clock, HealthReport, Service } from '../contract/index.js'
import { createAuthorizer, type ServiceAccount } from './authorizer.js'
import { addressKey, webSocketClientAddress, type ProxyTrust } from './client-address.js'
import { DEFAULT_CONNECT_LIMITS, createConnectLimits, type ConnectLimitsConfig } from './connect-limits.js'
import { CONNECT_LOG_SAMPLING, sampleConnectRefusals } from './connect-refusals.js'
import { DEADLINE_SWEEP_MS, createConnectionDeadlines } from './connection-deadlines.js'
import type { EventAdmission } from './event-admission.js'
import { GuardedConnection, MqttFrameScanner } from './frame-guard.js'
import { leanClients } from './lean-clients.js'
import { leanMatcher } from './lean-matcher.js'
import { MqttPacketRules } from './packet-rules.js'
import type { CommandReceipts, DeviceCredentials, ReadingsLog } from './ports.js'
import { SessionStore } from './session-store.js'
import { watchCommands } from './watch-commands.js'

export interface BrokerConfig {
  host: string
  /** 0 picks a free port. */
  port: number
  tls?: { port: number; key: Buffer; cert: Buffer }
  maxPacketBytes: number
  connectTimeoutMs: number
  /** Limits on failed CONNECTs per address and per id (connect-limits.ts); `DEFAULT_CONNECT_LIMITS` unless set. */
  connectLimits?: ConnectLimitsConfig
  /** Hearth's reverse proxies, for MQTT over WebSocket: a client's address is the one they forwarded (client-address.ts). */
  trustProxy?: ProxyTrust
  /**
   * Whether a platform service may connect from this address (its TCP or TLS peer; services never
   * come in over WebSocket). Loopback only unless set.
   */
  serviceAddresses?: (address: string | undefined) => boolean
}

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3})$/i

export interface BrokerDeps {
  logger: Logger
  metrics: Registry
  clock: Clock
  credentials: DeviceCredentials
  services: readonly ServiceAccount[]
  /** Keeps readings on disk before they are acknowledged; ingest reads them from there. */
  readingsLog: ReadingsLog
  /** Takes each device event before it is acknowledged: held to the device's limits, journalled, handed to alerting (event-admission.ts). */
  admitEvent: EventAdmission
  /** Told when a device acknowledges a command, and when it subscribes to its commands. */
  commands?: CommandReceipts
  /**
   * Replaces Hearth's authentication and ACL (`createAuthorizer`), so that the rest of the broker
   * (session store, frame guard, packet rules) can be run as it is with other hooks, e.g. ones
   * that let everyone in for protocol conformance tests.
   */
  authorizer?: AuthorizerFactory
}

/** The authentication and authorization hooks aedes calls. */
type AuthorizerHooks = Required<Pick<AedesOptions, 'authenticate' | 'authorizePublish' | 'authorizeSubscribe'>>
/** Makes the hooks; `refuse` counts and logs a refusal as the broker's own are. */
export type AuthorizerFactory = (refuse: (reason: string, detail: Record<string, unknown>) => void) => AuthorizerHooks

export interface Broker extends Service {
  /** The bound MQTT/TCP port (after start). */
  port(): number
  tlsPort(): number | undefined
  /** Serves MQTT over WebSocket on an HTTP upgrade the root routes here (path /mqtt). */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void
  /** Serves MQTT over a WebSocket's bytes taken elsewhere (another thread's HTTP server), from the client address given. */
  acceptWebSocketStream(stream: Duplex, address: string): void
  health(): HealthReport
  /** Ends the connection of this deprovisioned device now, if it has one, without publishing its will. */
  disconnect(clientId: string): void
  /** The device's secret was replaced, the old one working until `untilMs`: its connection ends then (connection-deadlines.ts). */
  secretReplaced(clientId: string, untilMs: number): void
}

export function createBroker(config: BrokerConfig, deps: BrokerDeps): Broker {
  const log = deps.logger
  const refusals = new Counter({
    name: 'hearth_mqtt_refusals_total',
    help: 'MQTT connections, publishes and subscriptions refused, by reason',
    labelNames: ['reason'],
    registers: [deps.metrics],
  })
  let aedes: Aedes | undefined
  let tcp: TcpServer | undefined
  let tls: TcpServer | undefined
  let wss: WebSocketServer | undefined
  let closing: Promise<void> | undefined
  new Gauge({
    name: 'hearth_mqtt_clients_connected',
    help: 'MQTT clients connected now',
    registers: [deps.metrics],
    collect() {
      this.set(aedes?.connectedClients ?? 0)
    },
  })

  const refuse = (reason: string, detail: Record<string, unknown>): void => {
    refusals.inc({ reason })
    log.warn({ reason, ...detail }, 'mqtt refusal')
  }

  // Failed CONNECTs are limited per address and per id, and their refusals logged sampled by address.
  const connectRefusals = sampleConnectRefusals(CONNECT_LOG_SAMPLING, { logger: log, clock: deps.clock, count: (reason) => refusals.inc({ reason }) })
  let connectLogFlush: NodeJS.Timeout | undefined
  /** Each connection's remote address, by the stream aedes keeps as `client.conn`. */
  const addresses = new WeakMap<object, string>()
  /** Connections ended because their device was deprovisioned (`disconnect`). */
  const withdrawn = new WeakSet<Client>()
  /** The TCP and TLS connections' peers, as they are: where a service may connect from is checked on these. */
  const socketPeers = new WeakMap<object, string | undefined>()
  const serviceAddresses = config.serviceAddresses ?? ((address: string | undefined) => address !== undefined && LOOPBACK.test(address))
  const connects = {
    limits: createConnectLimits(config.connectLimits ?? DEFAULT_CONNECT_LIMITS, deps.clock),
    addressOf: (client: Client): string => addresses.get(client.conn) ?? 'unknown',
    serviceMayConnect: (client: Client): boolean => socketPeers.has(client.conn) && serviceAddresses(socketPeers.get(client.conn)),
    refuse: connectRefusals.refuse,
  }
  const deadlines = createConnectionDeadlines(deps.clock, (client, why) => {
    log.info({ clientId: client.id, why }, 'connection ended by Hearth')
    client.close()
  })
  let deadlineSweep: NodeJS.Timeout | undefined
  // aedes keeps its connected clients by id (it closes the old one on a take-over), untyped.
  const connected = (clientId: string): Client | undefined => (aedes as unknown as { clients?: Record<string, Client | undefined> } | undefined)?.clients?.[clientId]

  /** A connection, by TCP or TLS (its peer as it is given) or by WebSocket (no peer: services never come that way). */
  const accept = (conn: Duplex, address: string, via: { socketPeer: string | undefined } | { webSocket: IncomingMessage | undefined }): void => {
    // Every packet is checked against MQTT 3.1.1 (packet-rules.ts) before aedes parses it.
    const scanner = new MqttFrameScanner(config.maxPacketBytes, new MqttPacketRules())
    const guarded = new GuardedConnection(conn, scanner, ({ reason, why, clientId }) => refuse(reason, { why, clientId }))
    addresses.set(guarded, address)
    if ('socketPeer' in via) socketPeers.set(guarded, via.socketPeer)
    aedes?.handle(guarded, 'webSocket' in via ? via.webSocket : undefined)
  }

  const onTcpConnection = (socket: Socket): void => {
    // Neither aedes nor Node sets TCP_NODELAY; without it small alarm packets wait on Nagle.
    socket.setNoDelay(true)
    socket.on('error', destroyOnError)
    accept(socket, addressKey(socket.remoteAddress), { socketPeer: socket.remoteAddress })
  }

  return {
    async start() {
      const authorizer = deps.authorizer ? deps.authorizer(refuse) : createAuthorizer({ ...deps, refuse, connects, deadlines, withdrawn: (client) => withdrawn.has(client) })
      connectLogFlush = setInterval(connectRefusals.flush, CONNECT_LOG_SAMPLING.windowMs).unref()
      deadlineSweep = setInterval(() => deadlines.sweep(), DEADLINE_SWEEP_MS).unref()
      const sessions = new SessionStore()
      const options: AedesOptions = {
        connectTimeout: config.connectTimeoutMs,
        maxClientsIdLength: 64,
        // aedes' default (100) delivers that many messages at once and queues the rest in one FIFO
        // for every topic: an alarm then waits behind every reading queued before it, and the
        // queue unwinds recursively (a long one overflows the stack). Unbounded, each message is
        // delivered as it arrives; each connection still sends its next packet only when its
        // previous one is delivered, so the number in delivery is bounded by the connections.
        concurrency: 0,
        // Under that, a publisher's next packet waits while a subscriber's socket is full: one
        // frozen subscriber would hold every device publishing to its topics (and their PUBACKs)
        // for as long as aedes waits on it. Hearth's subscribers are its own services and devices
        // taking the odd small command; a socket of theirs that has not drained in 10 s is on a
        // dead link, so it is cut (aedes' default waits 60 s), and the client reconnects to what
        // its session still holds.
        drainTimeout: 10_000,
        // No limit: aedes would refuse a keep alive of 0 or over the limit with CONNACK 6, a code
        // MQTT 3.1.1 reserves, and 3.1.1 gives a server no other way to shorten a keep alive.
        // Hearth notices a silent device by its check-in interval (alerting's offline rule), not
        // the keep alive; aedes still cuts a client silent for 1.5 times the keep alive it asked for.
        keepaliveLimit: 0,
        persistence: sessions,
        ...authorizer,
      }
      aedes = await Aedes.createBroker(options)
      leanClients(aedes)
      leanMatcher(aedes)
      watchCommands(aedes, sessions, deps.commands)
      aedes.on('clientError', (client: Client, error: Error) => {
        log.debug({ clientId: client.id, err: error.message }, 'mqtt client error')
      })
      // Before CONNECT: no CONNECT in time, or bytes that are not MQTT.
      aedes.on('connectionError', (_client: Client, error: Error) => {
        refuse(error.message.includes('did not arrive in time') ? 'connect_timeout' : 'protocol_error', { err: error.message })
      })
      tcp = createTcpServer(onTcpConnection)
      await listen(tcp, config.port, config.host)
      tcp.on('error', (error) => log.error({ err: error }, 'mqtt listener error'))
      if (config.tls) {
        tls = createTlsServer({ key: config.tls.key, cert: config.tls.cert }, onTcpConnection)
        await listen(tls, config.tls.port, config.host)
        tls.on('error', (error) => log.error({ err: error }, 'mqtts listener error'))
      }
      wss = new WebSocketServer({ noServer: true, maxPayload: config.maxPacketBytes })
      log.info({ port: addressPort(tcp), tlsPort: tls ? addressPort(tls) : undefined }, 'mqtt broker listening')
    },
    port: () => addressPort(tcp),
    tlsPort: () => (tls ? addressPort(tls) : undefined),
    handleUpgrade(req, socket, head) {
      if (!wss) {
        socket.destroy()
        return
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        const stream = createWebSocketStream(ws)
        stream.on('error', () => stream.destroy())
        accept(stream, webSocketClientAddress(req, config.trustProxy), { webSocket: req })
      })
    },
    acceptWebSocketStream(stream, address) {
      if (!aedes) {
        stream.destroy()
        return
      }
      accept(stream, address, { webSocket: undefined })
    },
    health: () => ({ component: 'broker', ok: aedes !== undefined && !aedes.closed }),
    disconnect(clientId) {
      const client = connected(clientId)
      if (!client) return
      log.info({ clientId }, 'connection ended by Hearth')
      withdrawn.add(client)
      client.close()
    },
    secretReplaced(clientId, untilMs) {
      const client = connected(clientId)
      if (client) deadlines.secretReplaced(client, untilMs)
    },
    close() {
      closing ??= (async () => {
        clearInterval(connectLogFlush)
        clearInterval(deadlineSweep)
        connectRefusals.flush()
        const serversClosed = Promise.all([tcp, tls].flatMap((server) => (server ? [closeServer(server)] : [])))
        wss?.close()
        const broker = aedes
        if (broker) await withTimeout(new Promise<void>((resolve) => broker.close(() => resolve())), 5000)
        await withTimeout(serversClosed.then(() => undefined), 5000)
        log.info('mqtt broker closed')
      })()
      return closing
    },
  }
}

/** One listener for every socket (a closure each would be held for as long as the connection). */
function destroyOnError(this: Socket): void {
  this.destroy()
}

function listen(server: TcpServer, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
}

function addressPort(server: TcpServer | undefined): number {
  const address = server?.address()
  if (!address || typeof address === 'string') throw new Error('broker is not listening')
  return address.port
}

function closeServer(server: TcpServer): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()))
}

function withTimeout(promise: Promise<void>, ms: number): Promise<void> {
  return Promise.race([promise, new Promise<void>((resolve) => setTimeout(resolve, ms).unref())])
}
