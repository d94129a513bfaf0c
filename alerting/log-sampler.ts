import type { Logger } from 'pino'
import type { Clock } from '../contract/index.js'

export interface LogSamplerConfig {
  /** Lines written per device in each window; the rest are counted. */
  first: number
  windowMs: number
}

/** Ten lines per device every ten seconds: a person's few presses all show; a flood shows as a count. */
export const DEFAULT_LOG_SAMPLING: LogSamplerConfig = { first: 10, windowMs: 10_000 }

type Level = 'info' | 'warn'

interface Window {
  startedAtMs: number
  written: number
  /** Lines not written in this window, by message. */
  held: Map<string, number>
}

/**
 * Samples the per-event log lines of one device: the first `first` in each window are written,
 * the rest counted, and once the window is over one summary line says how many of which were left
 * out. A flooding device then costs a bounded number of lines, however many events it sends.
 */
export function createLogSampler(config: LogSamplerConfig, deps: { logger: Logger; clock: Clock }) {
  const windows = new Map<string, Window>()

  const summarise = (deviceId: string, window: Window): void => {
    const omitted = [...window.held.values()].reduce((a, b) => a + b, 0)
    if (omitted === 0) return
    deps.logger.warn(
      { deviceId, omitted, lines: Object.fromEntries(window.held), windowMs: config.windowMs },
      `${omitted} log ${omitted === 1 ? 'line' : 'lines'} about device ${deviceId} left out (more than ${config.first} in ${config.windowMs / 1000} s)`,
    )
  }

  return {
    /** Writes the line, or counts it when the device has had its share of this window. */
    line(deviceId: string, level: Level, fields: Record<string, unknown>, message: string): void {
      const nowMs = deps.clock.now()
      let window = windows.get(deviceId)
      if (window && nowMs - window.startedAtMs >= config.windowMs) {
        summarise(deviceId, window)
        window = undefined
      }
      if (!window) {
        window = { startedAtMs: nowMs, written: 0, held: new Map() }
        windows.set(deviceId, window)
      }
      if (window.written < config.first) {
        window.written += 1
        deps.logger[level]({ deviceId, ...fields }, message)
        return
      }
      window.held.set(message, (window.held.get(message) ?? 0) + 1)
    },
    /** Ends every window that is over: its summary is written, and idle devices are forgotten. */
    flush(): void {
      const nowMs = deps.clock.now()
      for (const [deviceId, window] of windows) {
        if (nowMs - window.startedAtMs < config.windowMs) continue
        summarise(deviceId, window)
        windows.delete(deviceId)
      }
    },
  }
}

export type LogSampler = ReturnType<typeof createLogSampler>
