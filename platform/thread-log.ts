import type { Logger } from 'pino'

const LEVELS: Record<number, 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal'> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' }

/** Writes a log line from one of the platform's threads with the platform's logger, at its level and with its fields. */
export function relogFrom(logger: Logger, component: string): (line: string) => void {
  return (line) => {
    try {
      const { level, msg, time: _time, pid: _pid, hostname: _hostname, app: _app, ...fields } = JSON.parse(line) as Record<string, unknown>
      logger[LEVELS[Number(level)] ?? 'info'](fields, typeof msg === 'string' ? msg : '')
    } catch {
      logger.info({ component }, line.trim())
    }
  }
}
