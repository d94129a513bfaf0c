import type { Clock } from './runtime.js'

/** What a sampler needs of a logger: pino's `Logger` is one. */
interface SampledLog {
  info(fields: Record<string, unknown>, message: string): void
  warn(fields: Record<string, unknown>, message: string): void
}

export interface LogSamplerConfig {
  /** Lines written per key in each window; the rest are counted. */
  first: number
  windowMs: number
  /** Keys with a window open at most (unbounded when unset); past it the oldest window closes early, with its summary. */
  maxKeys?: number
}

interface KeyedLogSamplerDeps {
  logger: SampledLog
  clock: Clock
  /** The field every line and summary carries its key in (`deviceId`, `address`). */
  keyField: string
  /** The field a summary carries the count of lines left out by tally in (see `line`). */
  tallyField: string
  /** The message of a summary: `omitted` lines about `key` were left out. */
  summary(key: string, omitted: number): string
}

interface Window {
  startedAtMs: number
  written: number
  /** Lines not written in this window, by tally. */
  held: Map<string, number>
}

/**
 * Samples log lines by key (a device, a remote address): the first `first` in each window are
 * written, the rest counted, and once the window is over one summary line says how many of which
 * were left out. A flooding source then costs a bounded number of lines, however much it sends.
 * No I/O of its own: it writes through the logger it is given, with time from the clock.
 */
export function createKeyedLogSampler(config: LogSamplerConfig, deps: KeyedLogSamplerDeps) {
  const windows = new Map<string, Window>()

  const summarise = (key: string, window: Window): void => {
    const omitted = [...window.held.values()].reduce((a, b) => a + b, 0)
    if (omitted === 0) return
    const fields = { [deps.keyField]: key, omitted, [deps.tallyField]: Object.fromEntries(window.held), windowMs: config.windowMs }
    deps.logger.warn(fields, deps.summary(key, omitted))
  }

  const open = (key: string, nowMs: number): Window => {
    if (config.maxKeys !== undefined && windows.size >= config.maxKeys) {
      // The oldest window, first in the map's order: closed early, its count written.
      const [oldestKey, oldest] = windows.entries().next().value as [string, Window]
      summarise(oldestKey, oldest)
      windows.delete(oldestKey)
    }
    const window: Window = { startedAtMs: nowMs, written: 0, held: new Map() }
    windows.set(key, window)
    return window
  }

  return {
    /**
     * Writes the line, or counts it under `tally` (the message unless given) when the key has had
     * its share of this window.
     */
    line(key: string, level: 'info' | 'warn', fields: Record<string, unknown>, message: string, tally: string = message): void {
      const nowMs = deps.clock.now()
      let window = windows.get(key)
      if (window && nowMs - window.startedAtMs >= config.windowMs) {
        summarise(key, window)
        windows.delete(key)
        window = undefined
      }
      window ??= open(key, nowMs)
      if (window.written < config.first) {
        window.written += 1
        deps.logger[level]({ [deps.keyField]: key, ...fields }, message)
        return
      }
      window.held.set(tally, (window.held.get(tally) ?? 0) + 1)
    },
    /** Ends every window that is over: its summary is written, and keys gone quiet are forgotten. */
    flush(): void {
      const nowMs = deps.clock.now()
      for (const [key, window] of windows) {
        if (nowMs - window.startedAtMs < config.windowMs) continue
        summarise(key, window)
        windows.delete(key)
      }
    },
  }
}
