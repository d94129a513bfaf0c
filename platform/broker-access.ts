import { isIP } from 'node:net'
import type { ServiceAccount } from '../broker/authorizer.js'
import type { Config } from './config.js'
import { addressMatcher } from './address-list.js'
import { SERVICE_USERS, serviceCredential } from './connect-service-client.js'

/** Ingest and alerting, each with a credential of its own derived from the platform's service password. */
export function platformServices(servicePassword: string): ServiceAccount[] {
  return [
    { username: SERVICE_USERS.ingest, password: serviceCredential(servicePassword, SERVICE_USERS.ingest), role: 'ingest' },
    { username: SERVICE_USERS.alerting, password: serviceCredential(servicePassword, SERVICE_USERS.alerting), role: 'alerting' },
  ]
}

/**
 * Where the platform's services may connect from: the addresses allowed, and the address the
 * broker listens on when it is one address (the services connect to it, and so from it).
 */
export function serviceAddressCheck(config: Pick<Config, 'serviceAddresses' | 'host'>): (address: string | undefined) => boolean {
  const allowed = addressMatcher(config.serviceAddresses)
  const listening = isIP(config.host) === 0 || config.host === '0.0.0.0' || config.host === '::' ? undefined : addressMatcher([config.host])
  return (address) => allowed(address) || (listening?.(address) ?? false)
}
