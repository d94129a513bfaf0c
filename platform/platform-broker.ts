import { isIP } from 'node:net'
import type { Alerting } from '../alerting/create-alerting.js'
import { createBroker, type BrokerDeps } from '../broker/create-broker.js'
import { DEFAULT_EVENT_LIMITS, createEventGate } from '../broker/event-limits.js'
import type { EventSink } from '../broker/ports.js'
import type { Config } from './config.js'
import { addressMatcher } from './address-list.js'
import { SERVICE_USERS, serviceCredential } from './connect-service-client.js'
import { proxyTrust } from './trusted-proxies.js'

/**
 * The MQTT broker as the platform runs it: devices sign in with their credentials, ingest and
 * alerting each with a credential of its own and only from the addresses allowed (loopback unless
 * set); readings are logged before they are acknowledged, device events journalled and held to
 * each device's limits. Device events go from the broker straight
 * to alerting in this process; alerting is created after the broker, and `handOver` connects it.
 */
export function createPlatformBroker(
  config: Config,
  deps: Pick<BrokerDeps, 'logger' | 'metrics' | 'clock' | 'credentials' | 'journal' | 'readingsLog'> & { servicePassword: string },
) {
  const handOff: { to?: EventSink; commands?: Alerting; storms?: Alerting } = {}
  // Beyond a device's event limits, alerting folds its repeats or refuses them (broker/event-limits.ts).
  const eventGate = createEventGate(DEFAULT_EVENT_LIMITS, {
    clock: deps.clock,
    storms: { limited: (deviceId, verdict, receivedAtMs, over, written) => handOff.storms?.limited(deviceId, verdict, receivedAtMs, over, written) ?? 'process' },
  })
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
    {
      logger: deps.logger,
      metrics: deps.metrics,
      clock: deps.clock,
      credentials: deps.credentials,
      journal: deps.journal,
      readingsLog: deps.readingsLog,
      events: (deviceId, taken, receivedAtMs) => handOff.to?.(deviceId, taken, receivedAtMs),
      eventGate,
      // What devices do with their commands, to alerting's outbox: delivered only when a device acknowledged it.
      commands: {
        delivered: (deviceId, payload) => handOff.commands?.commandDelivered(deviceId, payload),
        subscribed: (deviceId, stillQueued) => handOff.commands?.commandsSubscribed(deviceId, stillQueued),
      },
      services: [
        { username: SERVICE_USERS.ingest, password: serviceCredential(deps.servicePassword, SERVICE_USERS.ingest), role: 'ingest' },
        { username: SERVICE_USERS.alerting, password: serviceCredential(deps.servicePassword, SERVICE_USERS.alerting), role: 'alerting' },
      ],
    },
  )
  return {
    broker,
    /** From now on device events, command receipts and devices over their limits go to `alerting`. */
    handOver: (alerting: Alerting): void => {
      handOff.to = (deviceId, taken, receivedAtMs) => alerting.takeEvent(deviceId, taken, receivedAtMs)
      handOff.commands = alerting
      handOff.storms = alerting
    },
  }
}

/**
 * Where the platform's services may connect from: the addresses allowed, and the address the
 * broker listens on when it is one address (the services connect to it, and so from it).
 */
function serviceAddressCheck(config: Config): (address: string | undefined) => boolean {
  const allowed = addressMatcher(config.serviceAddresses)
  const listening = isIP(config.host) === 0 || config.host === '0.0.0.0' || config.host === '::' ? undefined : addressMatcher([config.host])
  return (address) => allowed(address) || (listening?.(address) ?? false)
}
