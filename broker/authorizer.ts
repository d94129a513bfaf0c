import type { AedesOptions, AuthenticateError, Client, PublishPacket, Subscription } from 'aedes'
import { isDeviceId, type DeviceId } from '../contract/ids.js'
import { decidePublish, decideSubscribe, type Principal, type ServiceRole } from './acl.js'
import { sameSecret, verifyDeviceSecret } from './device-secret.js'
import type { ConnectGuard } from './connect-refusals.js'
import type { ConnectionDeadlines } from './connection-deadlines.js'
import type { BrokerDeps } from './create-broker.js'

export interface ServiceAccount {
  username: string
  password: string
  role: ServiceRole
}

/**
 * What the hooks need of the broker's own dependencies, how a refusal is counted, how CONNECTs
 * are limited, and where a connection made with a replaced secret is given its end.
 */
type AuthorizerDeps = Pick<BrokerDeps, 'logger' | 'clock' | 'credentials' | 'services' | 'readingsLog' | 'admitEvent'> & {
  refuse: (reason: string, detail: Record<string, unknown>) => void
  connects: ConnectGuard
  deadlines: ConnectionDeadlines
  /** Connections Hearth ended because their device was deprovisioned: nothing more of theirs, their will included, is published. */
  withdrawn: (client: Client) => boolean
}

const CONNACK_IDENTIFIER_REJECTED = 2
/**
 * When the credentials cannot be looked up, and for a CONNECT held back by the limits on failures
 * (connect-limits.ts). Device stacks take 3 ("server unavailable") as passing and try again after
 * their back-off; many take 4 ("bad user name or password") as a wrong secret that only new
 * provisioning mends, and stop trying or report a fault. A device whose id someone else is
 * guessing, or who shares its network, must keep trying: it carries a person's alarms. A guesser
 * learns only that it is held back, never whether a secret was right (none is checked).
 */
const CONNACK_SERVER_UNAVAILABLE = 3
const CONNACK_BAD_USERNAME_OR_PASSWORD = 4
/** A platform service's identity from an address it may not connect from. */
const CONNACK_NOT_AUTHORIZED = 5
const CONNACK_FOR: Record<string, number> = { client_id_mismatch: CONNACK_IDENTIFIER_REJECTED, service_address_refused: CONNACK_NOT_AUTHORIZED }

function authError(message: string, returnCode: number): AuthenticateError {
  return Object.assign<Error, { returnCode: number }>(new Error(message), { returnCode })
}

type Hooks = Required<Pick<AedesOptions, 'authenticate' | 'authorizePublish' | 'authorizeSubscribe'>>

/** The broker's authentication and ACL hooks (PROTOCOL §1 "Identity" and "Topics"). */
export function createAuthorizer(deps: AuthorizerDeps): Hooks {
  const principals = new WeakMap<Client, Principal>()
  const services = new Map(deps.services.map((s) => [s.username, s]))

  const identify = (client: Client, username: string | undefined, password: string | undefined): Principal | string => {
    if (username === undefined || password === undefined) return 'missing_credentials'
    const service = services.get(username)
    if (service) {
      // A service comes only from where the operator allows (loopback unless set), never by WebSocket,
      // and only under its own client id: what no device id can be, so it takes over no device's session.
      if (!deps.connects.serviceMayConnect(client)) return 'service_address_refused'
      if (client.id !== username) return 'client_id_mismatch'
      return sameSecret(password, service.password) ? { kind: 'service', username, role: service.role } : 'bad_password'
    }
    if (!isDeviceId(username)) return 'unknown_device'
    if (client.id !== username) return 'client_id_mismatch'
    const hash = deps.credentials.secretHashOf(username)
    if (hash === undefined) return 'unknown_device'
    if (verifyDeviceSecret(password, hash)) return { kind: 'device', deviceId: username }
    // A secret a rotation replaced works until the grace the rotation gave it ends, and so does
    // the connection made with it.
    const previous = deps.credentials.previousSecretOf?.(username, deps.clock.now())
    if (!previous || !verifyDeviceSecret(password, previous.hash)) return 'bad_password'
    deps.deadlines.madeWithReplaced(client, previous.validUntilMs)
    return { kind: 'device', deviceId: username }
  }

  return {
    authenticate(client, username, password, done) {
      const { limits } = deps.connects
      const address = deps.connects.addressOf(client)
      // Held back: refused before any lookup or hash, so that guessing costs next to nothing.
      const hold = limits.held(address, username)
      if (hold) {
        const retryAfterS = Math.ceil((hold.untilMs - deps.clock.now()) / 1000)
        deps.connects.refuse(address, 'connect_rate_limited', { clientId: client.id, username, heldBy: hold.by, retryAfterS })
        return done(authError('connect rate limited', CONNACK_SERVER_UNAVAILABLE), false)
      }
      let outcome: Principal | string
      try {
        outcome = identify(client, username, password?.toString('utf8'))
      } catch (error) {
        deps.logger.error({ err: error, clientId: client.id }, 'credential lookup failed')
        deps.connects.refuse(address, 'auth_lookup_failed', { clientId: client.id })
        return done(authError('server unavailable', CONNACK_SERVER_UNAVAILABLE), false)
      }
      if (typeof outcome === 'string') {
        // The id counts only where its secret was checked: a known device's or service's.
        limits.failed(address, outcome === 'bad_password' ? username : undefined)
        deps.connects.refuse(address, outcome, { clientId: client.id, username })
        return done(authError(outcome, CONNACK_FOR[outcome] ?? CONNACK_BAD_USERNAME_OR_PASSWORD), false)
      }
      limits.succeeded(address, outcome.kind === 'device' ? outcome.deviceId : outcome.username)
      principals.set(client, outcome)
      done(null, true)
    },

    authorizePublish(client, packet: PublishPacket, callback) {
      // Broker-internal publishes ($SYS heartbeats) have no client.
      if (!client) return callback(null)
      const principal = principals.get(client)
      if (!principal) return callback(new Error('not authenticated'))
      // A deprovisioned device's will would tell alerting it went offline: it has left, not failed.
      if (deps.withdrawn(client)) return callback(new Error('device deprovisioned'))
      const decision = decidePublish(principal, packet.topic)
      if (!decision.allowed) {
        deps.refuse('publish_denied', { clientId: client.id, topic: packet.topic, why: decision.reason })
        return callback(new Error(decision.reason))
      }
      // PROTOCOL §1: only status is retained. A retained reading or event would be replayed to
      // every new subscriber as if new, so the flag is dropped rather than the message.
      if (packet.retain && !packet.topic.endsWith('/status')) packet.retain = false
      if (principal.kind === 'device' && packet.topic.endsWith('/readings')) return logReadings(deps, client, principal.deviceId, packet, callback)
      if (principal.kind !== 'device' || !packet.topic.endsWith('/events')) return callback(null)
      const { deviceId } = principal
      const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload
      deps.admitEvent(deviceId, payload, packet.dup === true, deps.clock.now(), (refusal) => {
        if (refusal === undefined) return callback(null)
        deps.refuse(refusal, { clientId: client.id })
        callback(new Error('event journal unavailable'))
      })
    },

    authorizeSubscribe(client, subscription: Subscription, callback) {
      const principal = principals.get(client)
      const decision = principal ? decideSubscribe(principal, subscription.topic) : { allowed: false as const, reason: 'not authenticated' }
      if (!decision.allowed) {
        deps.refuse('subscribe_denied', { clientId: client.id, topic: subscription.topic, why: decision.reason })
        // A null subscription makes aedes answer SUBACK 0x80 for this filter.
        return callback(null, null)
      }
      callback(null, subscription)
    },
  }
}

/**
 * PROTOCOL §1 readings at QoS 1: aedes sends PUBACK only once the readings log has them on disk
 * (one fdatasync for every message that arrived meanwhile). Should the log fail, the publish is
 * refused, the connection closes and the device sends the readings again.
 */
function logReadings(deps: AuthorizerDeps, client: Client, deviceId: DeviceId, packet: PublishPacket, callback: (error?: Error | null) => void): void {
  const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload
  // QoS 0 promises the device nothing: the message goes on at once and is logged all the same.
  const acknowledged = packet.qos > 0
  deps.readingsLog.append(deviceId, deps.clock.now(), payload, (error) => {
    if (error) {
      deps.logger.error({ err: error, deviceId }, 'could not log readings')
      deps.refuse('readings_log_failed', { clientId: client.id })
    }
    if (acknowledged) callback(error ? new Error('readings log unavailable') : null)
  })
  if (!acknowledged) callback(null)
}
