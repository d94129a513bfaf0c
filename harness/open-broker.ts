import type { Logger } from 'pino'
import { Registry } from 'prom-client'
import { createBroker, type AuthorizerFactory, type Broker } from '../broker/create-broker.js'
import { createLogger } from '../platform/logger.js'

/**
 * Hooks that let every client connect, publish and subscribe, but for the topic filters in
 * `refuseSubscriptions` (SUBACK 0x80): the MQTT protocol can then be exercised against the broker as
 * composed (session store, frame guard, packet rules) without Hearth's device identities and topic
 * rights in the way. Never for a broker devices reach.
 */
export function openAuthorizer(refuseSubscriptions: readonly string[] = []): AuthorizerFactory {
  const refused = new Set(refuseSubscriptions)
  return (refuse) => ({
    authenticate: (_client, _username, _password, done) => done(null, true),
    authorizePublish: (_client, _packet, callback) => callback(null),
    authorizeSubscribe: (client, subscription, callback) => {
      if (!refused.has(subscription.topic)) return callback(null, subscription)
      refuse('subscribe_denied', { clientId: client.id, topic: subscription.topic })
      callback(null, null)
    },
  })
}

export interface OpenBrokerOptions {
  host?: string
  /** 0 (the default) picks a free port. */
  port?: number
  maxPacketBytes?: number
  connectTimeoutMs?: number
  logger?: Logger
  metrics?: Registry
  /** Topic filters whose subscription is refused with SUBACK 0x80. */
  refuseSubscriptions?: readonly string[]
  /** Other hooks in place of `openAuthorizer(refuseSubscriptions)`. */
  authorizer?: AuthorizerFactory
}

export interface OpenBroker {
  broker: Broker
  port: number
  metrics: Registry
}

/** broker/create-broker.ts with `openAuthorizer`, no devices, and an event journal and readings log that keep nothing. */
export async function startOpenBroker(options: OpenBrokerOptions = {}): Promise<OpenBroker> {
  const metrics = options.metrics ?? new Registry()
  const broker = createBroker(
    {
      host: options.host ?? '127.0.0.1',
      port: options.port ?? 0,
      maxPacketBytes: options.maxPacketBytes ?? 64 * 1024,
      connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
    },
    {
      logger: options.logger ?? createLogger('silent'),
      metrics,
      clock: { now: () => Date.now() },
      credentials: { secretHashOf: () => undefined },
      services: [],
      admitEvent: (_deviceId, _payload, _dup, _receivedAtMs, done) => done(),
      readingsLog: { append: (_deviceId, _receivedAtMs, _payload, done) => done() },
      authorizer: options.authorizer ?? openAuthorizer(options.refuseSubscriptions),
    },
  )
  await broker.start()
  return { broker, port: broker.port(), metrics }
}
