import type { Logger } from 'pino'
import { createKeyedLogSampler, type Clock, type LogSamplerConfig } from '../contract/index.js'

/** Ten lines per device every ten seconds: a person's few presses all show; a flood shows as a count. */
export const DEFAULT_LOG_SAMPLING: LogSamplerConfig = { first: 10, windowMs: 10_000 }

/**
 * Samples the per-event log lines of one device (contract/log-sampler.ts): the first `first` in
 * each window are written, the rest counted, and once the window is over one summary line says how
 * many of which were left out. A flooding device then costs a bounded number of lines, however many
 * events it sends.
 */
export function createLogSampler(config: LogSamplerConfig, deps: { logger: Logger; clock: Clock }) {
  const summary = (deviceId: string, omitted: number): string =>
    `${omitted} log ${omitted === 1 ? 'line' : 'lines'} about device ${deviceId} left out (more than ${config.first} in ${config.windowMs / 1000} s)`
  return createKeyedLogSampler(config, { ...deps, keyField: 'deviceId', tallyField: 'lines', summary })
}

export type LogSampler = ReturnType<typeof createLogSampler>
