import type { Aedes } from 'aedes'
import { isDeviceId } from '../contract/ids.js'
import { deviceTopic } from '../contract/topics.js'
import type { CommandReceipts } from './ports.js'
import type { SessionStore } from './session-store.js'

/**
 * Tells alerting what devices did with their commands: each acknowledgement (PUBACK) of one the
 * broker delivered, so a command counts as delivered only then, and each subscription to the
 * commands topic, when what was not delivered can be sent again.
 */
export function watchCommands(aedes: Aedes, sessions: SessionStore, receipts: CommandReceipts | undefined): void {
  if (!receipts) return
  aedes.on('ack', (packet, client) => {
    // A PUBACK the session store no longer matched (a duplicate) comes without its packet.
    if ((packet as unknown) === undefined || packet.cmd !== 'publish') return
    const deviceId = client.id
    if (isDeviceId(deviceId) && packet.topic === deviceTopic(deviceId, 'commands')) receipts.delivered(deviceId, Buffer.from(packet.payload))
  })
  aedes.on('subscribe', (subscriptions, client) => {
    const deviceId = client.id
    if (!isDeviceId(deviceId)) return
    const topic = deviceTopic(deviceId, 'commands')
    if (!subscriptions.some((s) => s.topic === topic)) return
    // After the acknowledgements already read have been told (aedes tells each once its session store
    // has let the message go): what the session holds then, it delivers; the rest was lost.
    setImmediate(() => receipts.subscribed(deviceId, sessions.queuedPayloads(deviceId, topic)))
  })
}
