import type { Logger } from 'pino'
import type { Clock, Service } from '../contract/index.js'
import type { ReadingsStore } from '../stores/readings-store.js'
import type { Config } from './config.js'

/**
 * Applies the readings retention now and every hour, without holding up start-up. Returns the
 * service that stops it, waiting for a pass under way.
 */
export function scheduleRetention(store: ReadingsStore, config: Config, clock: Clock, logger: Logger): Service {
  const log = logger.child({ component: 'retention' })
  let running: Promise<void> | undefined
  const run = (): void => {
    running ??= store
      .applyRetention(clock.now(), config.retention)
      .then(
        (result) => {
          if (result.removed > 0) log.info(result, 'readings retention applied')
        },
        (error: unknown) => log.error({ err: error }, 'readings retention failed'),
      )
      .finally(() => {
        running = undefined
      })
  }
  run()
  const timer = setInterval(run, 3_600_000)
  timer.unref()
  return {
    start: () => Promise.resolve(),
    close: async () => {
      clearInterval(timer)
      await running
    },
  }
}
