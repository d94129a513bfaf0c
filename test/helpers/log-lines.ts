import { Writable } from 'node:stream'
import type { Logger } from 'pino'
import { createLogger } from '../../platform/logger.js'

/** A logger as the platform makes it (level info and up), its lines parsed into `lines` as they are written. */
export function capturedLog(level = 'info'): { lines: Array<Record<string, unknown>>; logger: Logger } {
  const lines: Array<Record<string, unknown>> = []
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>)
      done()
    },
  })
  return { lines, logger: createLogger(level, stream) }
}
