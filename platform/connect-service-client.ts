import { createHmac } from 'node:crypto'
import { connect, type IPublishPacket, type MqttClient } from 'mqtt'

/** The platform's own MQTT identities: the colon keeps them apart from every possible device id. */
export const SERVICE_USERS = { ingest: 'hearth:ingest', alerting: 'hearth:alerting' } as const

/**
 * Each service's own MQTT password, derived from the platform's service secret
 * (HEARTH_SERVICE_PASSWORD, or random per start) and the service's name: one service's password
 * is no other's, and none gives back the secret.
 */
export function serviceCredential(serviceSecret: string, username: string): string {
  return createHmac('sha256', serviceSecret).update(`hearth mqtt service ${username}`).digest('base64url')
}

/** What ingest and alerting take to open their connections (each port declares this shape). */
type ServiceConnector = (onMessage: (topic: string, payload: Buffer, packet: IPublishPacket) => void) => Promise<MqttClient>

/**
 * Connects one of the platform's own services to the broker. The message handler is attached
 * before the connection opens: a persistent session delivers what it queued right after CONNACK,
 * and a handler attached later would miss it.
 */
export function serviceConnector(url: string, username: string, password: string): ServiceConnector {
  return (onMessage) =>
    new Promise((resolve, reject) => {
      const client = connect(url, {
        // Never a device id (PROTOCOL §1 ids have no colon), so no device can take this session over.
        clientId: username,
        username,
        password,
        clean: false,
        reconnectPeriod: 1000,
      })
      client.on('message', onMessage)
      const onError = (error: Error): void => {
        client.end(true)
        reject(error)
      }
      client.once('error', onError)
      client.once('connect', () => {
        client.off('error', onError)
        resolve(client)
      })
    })
}
