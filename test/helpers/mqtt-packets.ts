import { generate } from 'mqtt-packet'

/** Raw MQTT 3.1.1 packets for tests that speak to the broker byte by byte, encoded by mqtt-packet. */

export const PINGREQ = generate({ cmd: 'pingreq' })

export function encodeConnect(fields: { clientId: string; clean: boolean; keepaliveS: number }): Buffer {
  return generate({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clientId: fields.clientId, clean: fields.clean, keepalive: fields.keepaliveS })
}

/** `topic` as bytes, written as they are (mqtt-packet takes a Buffer topic, though its types name only strings). */
export function encodePublish(topic: Buffer, payload: Buffer, qos: 0 | 1, messageId: number): Buffer {
  return generate({ cmd: 'publish', topic: topic as unknown as string, payload, qos, messageId, retain: false, dup: false })
}

export function encodeSubscribe(messageId: number, filters: ReadonlyArray<{ topic: string; qos: 0 | 1 }>): Buffer {
  return generate({ cmd: 'subscribe', messageId, subscriptions: filters.map((f) => ({ topic: f.topic, qos: f.qos })) })
}
