import type { Logger } from 'pino'
import type { Service } from '../contract/index.js'

/**
 * The platform's services in the order they started, closed in reverse; those that must stop
 * before all others (the broker, then the readings log) first, in the order given. A service
 * that fails to close is logged and the rest still close.
 */
export function createServiceStack(logger: Logger) {
  const started: Service[] = []
  const stopFirst: Service[] = []

  const closeEach = async (services: Service[]): Promise<void> => {
    for (const service of services) {
      try {
        await service.close()
      } catch (error) {
        logger.error({ err: error }, 'a service failed to close')
      }
    }
  }

  return {
    /** A service that has started (closed after those started later). */
    started(service: Service): void {
      started.push(service)
    },
    /** Services to close before every other, in this order. */
    stopFirst(...services: Service[]): void {
      stopFirst.push(...services)
    },
    async close(): Promise<void> {
      await closeEach(stopFirst.splice(0))
      await closeEach(started.reverse())
      started.length = 0
    },
  }
}
