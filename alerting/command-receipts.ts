import type { Logger } from 'pino'
import type { Clock } from '../contract/index.js'
import type { CommandOutbox } from './ports.js'

type Command = ReturnType<CommandOutbox['undelivered']>[number]

/** The most commands sent again at once to one device that has just subscribed. */
const RESEND_LIMIT = 100

/** A command's id, from its payload as sent; undefined for anything that is not one of Hearth's commands. */
function commandIdOf(payload: Buffer | string): string | undefined {
  try {
    const id = (JSON.parse(payload.toString()) as { id?: unknown }).id
    return typeof id === 'string' ? id : undefined
  } catch {
    return undefined
  }
}

/**
 * What devices did with their commands. A command counts as delivered only when the device's
 * session acknowledged it; when a device subscribes, every command of its not yet acknowledged
 * and no longer held by its session (lost with a restart, or a session it did not keep) is sent
 * again, with the same id.
 */
export function createCommandReceipts(deps: { outbox: CommandOutbox; clock: Clock; logger: Logger; send: (command: Command) => void }) {
  return {
    delivered(deviceId: string, payload: Buffer): void {
      const id = commandIdOf(payload)
      if (id === undefined) return
      try {
        if (deps.outbox.markDelivered(id, deviceId, deps.clock.now())) deps.logger.info({ deviceId, commandId: id }, 'command delivered')
      } catch (error) {
        // Unmarked (the disk full), it is sent again when the device next subscribes, with the same id.
        deps.logger.error({ err: error, deviceId, commandId: id }, 'command delivered but not marked delivered')
      }
    },
    subscribed(deviceId: string, stillQueued: readonly Buffer[]): void {
      const queued = new Set(stillQueued.map(commandIdOf))
      let undelivered: Command[]
      try {
        undelivered = deps.outbox.undelivered(deviceId, RESEND_LIMIT)
      } catch (error) {
        deps.logger.error({ err: error, deviceId }, 'undelivered commands not read; they are sent again when the device next subscribes')
        return
      }
      const again = undelivered.filter((c) => !queued.has(c.id))
      if (again.length > 0) deps.logger.info({ deviceId, commands: again.length }, 'sending undelivered commands again')
      for (const command of again) deps.send(command)
    },
  }
}
