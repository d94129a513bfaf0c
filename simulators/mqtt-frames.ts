/**
 * The few MQTT 3.1.1 packets a load generator needs, encoded and decoded by hand: thousands of
 * simulated devices must cost the machine less than the broker they measure (an MQTT.js client
 * per device spends more CPU and memory than the broker does on it).
 */

export type Qos = 0 | 1

export interface Will {
  topic: string
  payload: Buffer
  qos: Qos
  retain: boolean
}

export interface ConnectFields {
  clientId: string
  username?: string
  password?: string
  clean: boolean
  keepaliveS: number
  will?: Will
}

export type Packet =
  | { type: 'connack'; sessionPresent: boolean; returnCode: number }
  | { type: 'publish'; topic: string; payload: Buffer; qos: number; messageId: number; retain: boolean }
  | { type: 'puback'; messageId: number }
  | { type: 'suback'; messageId: number; granted: number[] }
  | { type: 'pingresp' }
  | { type: 'other'; code: number }

const CONNECT = 0x10
const PUBLISH = 0x30
const PUBACK = 0x40
const SUBSCRIBE = 0x82

export const PINGREQ = Buffer.from([0xc0, 0])
export const DISCONNECT = Buffer.from([0xe0, 0])

function lengthBytes(length: number): number {
  return length < 128 ? 1 : length < 16_384 ? 2 : length < 2_097_152 ? 3 : 4
}

function writeLength(target: Buffer, at: number, length: number): number {
  let rest = length
  let offset = at
  do {
    let byte = rest % 128
    rest = Math.floor(rest / 128)
    if (rest > 0) byte |= 0x80
    target[offset++] = byte
  } while (rest > 0)
  return offset
}

function frame(first: number, body: Buffer): Buffer {
  const out = Buffer.allocUnsafe(1 + lengthBytes(body.length) + body.length)
  out[0] = first
  body.copy(out, writeLength(out, 1, body.length))
  return out
}

function field(value: string | Buffer): Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value
  const out = Buffer.allocUnsafe(2 + bytes.length)
  out.writeUInt16BE(bytes.length, 0)
  bytes.copy(out, 2)
  return out
}

export function encodeConnect(fields: ConnectFields): Buffer {
  let flags = fields.clean ? 0x02 : 0
  const tail: Buffer[] = [field(fields.clientId)]
  if (fields.will) {
    flags |= 0x04 | (fields.will.qos << 3) | (fields.will.retain ? 0x20 : 0)
    tail.push(field(fields.will.topic), field(fields.will.payload))
  }
  if (fields.username !== undefined) {
    flags |= 0x80
    tail.push(field(fields.username))
  }
  if (fields.password !== undefined) {
    flags |= 0x40
    tail.push(field(fields.password))
  }
  const header = Buffer.from([0, 4, 0x4d, 0x51, 0x54, 0x54, 4, flags, fields.keepaliveS >> 8, fields.keepaliveS & 0xff])
  return frame(CONNECT, Buffer.concat([header, ...tail]))
}

/**
 * `topic` is taken as bytes so a caller that publishes to one topic often encodes it once. `dup`
 * marks a QoS 1 publish sent again after a reconnect (MQTT 3.1.1 §3.3.1.1).
 */
export function encodePublish(topic: Buffer, payload: Buffer, qos: Qos, messageId: number, retain = false, dup = false): Buffer {
  const length = 2 + topic.length + (qos > 0 ? 2 : 0) + payload.length
  const out = Buffer.allocUnsafe(1 + lengthBytes(length) + length)
  out[0] = PUBLISH | (dup && qos > 0 ? 0x08 : 0) | (qos << 1) | (retain ? 1 : 0)
  let at = writeLength(out, 1, length)
  out.writeUInt16BE(topic.length, at)
  at += 2 + topic.copy(out, at + 2)
  if (qos > 0) at = out.writeUInt16BE(messageId, at)
  payload.copy(out, at)
  return out
}

export function encodePuback(messageId: number): Buffer {
  return Buffer.from([PUBACK, 2, messageId >> 8, messageId & 0xff])
}

export function encodeSubscribe(messageId: number, filters: ReadonlyArray<{ topic: string; qos: Qos }>): Buffer {
  const parts = filters.flatMap((f) => [field(f.topic), Buffer.from([f.qos])])
  return frame(SUBSCRIBE, Buffer.concat([Buffer.from([messageId >> 8, messageId & 0xff]), ...parts]))
}

function decode(first: number, body: Buffer): Packet {
  const code = first >> 4
  switch (code) {
    case 2:
      return { type: 'connack', sessionPresent: (body[0] ?? 0) === 1, returnCode: body[1] ?? 255 }
    case 3: {
      const qos = (first >> 1) & 3
      const topicLength = body.readUInt16BE(0)
      const topic = body.toString('utf8', 2, 2 + topicLength)
      const idAt = 2 + topicLength
      const messageId = qos > 0 ? body.readUInt16BE(idAt) : 0
      return { type: 'publish', topic, payload: body.subarray(idAt + (qos > 0 ? 2 : 0)), qos, messageId, retain: (first & 1) === 1 }
    }
    case 4:
      return { type: 'puback', messageId: body.readUInt16BE(0) }
    case 9:
      return { type: 'suback', messageId: body.readUInt16BE(0), granted: [...body.subarray(2)] }
    case 13:
      return { type: 'pingresp' }
    default:
      return { type: 'other', code }
  }
}

/** Splits a byte stream into packets; keeps a partial packet until the rest of it arrives. */
export class FrameDecoder {
  private pending: Buffer = Buffer.alloc(0)

  push(chunk: Buffer, onPacket: (packet: Packet) => void): void {
    let data = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk])
    for (;;) {
      if (data.length < 2) break
      let length = 0
      let multiplier = 1
      let at = 1
      let complete = false
      while (at < data.length && at <= 4) {
        const byte = data[at++] ?? 0
        length += (byte & 0x7f) * multiplier
        multiplier *= 128
        if ((byte & 0x80) === 0) {
          complete = true
          break
        }
      }
      if (!complete || data.length < at + length) break
      onPacket(decode(data[0] ?? 0, data.subarray(at, at + length)))
      data = data.subarray(at + length)
    }
    this.pending = data.length === 0 ? Buffer.alloc(0) : Buffer.from(data)
  }
}
