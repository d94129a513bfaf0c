import { randomBytes } from 'node:crypto'
import type { MqttClient } from 'mqtt'
import type { Logger } from 'pino'
import { deviceTopic, type Clock, type DeviceCommand } from '../contract/index.js'
import { createCommandReceipts } from './command-receipts.js'
import type { CommandOutbox } from './ports.js'

/**
 * Commands to devices: queued in the outbox inside the transaction that causes them, sent once it
 * has committed, marked sent when the broker has one and delivered when the device has
 * acknowledged it (command-receipts.ts), sent again while it is not.
 */
export function createCommandSender(deps: { logger: Logger; clock: Clock; outbox: CommandOutbox; client: () => MqttClient | undefined }) {
  const log = deps.logger
  const inFlight = new Set<string>()

  /** Publishes one command; it is marked sent once the broker has taken it (PUBACK), delivered once the device has. */
  const send = (command: { id: string; deviceId: string; payload: string }): void => {
    const client = deps.client()
    if (!client || inFlight.has(command.id)) return
    inFlight.add(command.id)
    client.publish(deviceTopic(command.deviceId, 'commands'), command.payload, { qos: 1 }, (error) => {
      inFlight.delete(command.id)
      if (error) return log.error({ err: error, deviceId: command.deviceId, commandId: command.id }, 'command not sent; will retry')
      try {
        deps.outbox.markSent(command.id, deps.clock.now())
      } catch (storeError) {
        // Unmarked (the disk full), it goes out again with the same id, which the device's receipt settles.
        log.error({ err: storeError, deviceId: command.deviceId, commandId: command.id }, 'command sent but not marked sent; will send again')
      }
    })
    log.info({ deviceId: command.deviceId, commandId: command.id }, 'command sent')
  }

  const receipts = createCommandReceipts({ outbox: deps.outbox, clock: deps.clock, logger: log, send })

  return {
    /** Queues a command in the caller's transaction; `flush` sends it once that has committed. */
    enqueue(deviceId: string, command: Omit<DeviceCommand, 'id' | 'ts'>): void {
      const now = deps.clock.now()
      const full: DeviceCommand = { id: `c-${randomBytes(6).toString('hex')}`, ts: now / 1000, ...command }
      deps.outbox.enqueue({ id: full.id, deviceId, payload: JSON.stringify(full), createdAtMs: now })
    },
    /** Sends every unsent command created before `createdBeforeMs`. */
    flush(createdBeforeMs = Number.MAX_SAFE_INTEGER): void {
      for (const command of deps.outbox.unsent(createdBeforeMs, 500)) send(command)
    },
    delivered: (deviceId: string, payload: Buffer) => receipts.delivered(deviceId, payload),
    subscribed: (deviceId: string, stillQueued: readonly Buffer[]) => receipts.subscribed(deviceId, stillQueued),
  }
}

export type CommandSender = ReturnType<typeof createCommandSender>
