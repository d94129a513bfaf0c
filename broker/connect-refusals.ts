import type { Client } from 'aedes'
import type { Logger } from 'pino'
import { createKeyedLogSampler, type LogSamplerConfig } from '../contract/log-sampler.js'
import type { Clock } from '../contract/runtime.js'
import type { ConnectLimits } from './connect-limits.js'

/**
 * Five lines per address every ten seconds: a device's own failures and a site's few all show;
 * a guesser shows as one count a window. Addresses with a window open are bounded like the limits'.
 */
export const CONNECT_LOG_SAMPLING: LogSamplerConfig = { first: 5, windowMs: 10_000, maxKeys: 10_000 }

/** What the authentication hook needs to limit CONNECTs and to refuse them (authorizer.ts). */
export interface ConnectGuard {
  limits: ConnectLimits
  /** The address the client's connection is counted against (client-address.ts). */
  addressOf(client: Client): string
  /** Whether a platform service may connect over this client's connection (its TCP or TLS peer is allowed). */
  serviceMayConnect(client: Client): boolean
  /** Counts a refused CONNECT in `hearth_mqtt_refusals_total` and logs it, sampled by address. */
  refuse(address: string, reason: string, detail: Record<string, unknown>): void
}

/**
 * Refused CONNECTs, counted every one and logged sampled by address: the first few of each
 * window, then one line a window with how many more there were, by reason.
 */
export function sampleConnectRefusals(config: LogSamplerConfig, deps: { logger: Logger; clock: Clock; count: (reason: string) => void }) {
  const summary = (address: string, omitted: number): string =>
    `${omitted} further CONNECT ${omitted === 1 ? 'refusal' : 'refusals'} from ${address} not logged (more than ${config.first} in ${config.windowMs / 1000} s)`
  const sampler = createKeyedLogSampler(config, { logger: deps.logger, clock: deps.clock, keyField: 'address', tallyField: 'reasons', summary })
  return {
    refuse: (address: string, reason: string, detail: Record<string, unknown>): void => {
      deps.count(reason)
      sampler.line(address, 'warn', { reason, ...detail }, 'mqtt refusal', reason)
    },
    /** Writes the summaries of windows that are over (the broker calls it once a window). */
    flush: (): void => sampler.flush(),
  }
}
