import { FieldReader } from './field-reader.js'
import { STRING_PROBLEMS, stringProblem, topicNameProblem } from './mqtt-strings.js'
import { refusal, type Refusal } from './packet-refusal.js'

/**
 * MQTT 3.1.1 rules for CONNECT, the first packet of every connection: the protocol name and level
 * (MQTT 3.1.1, MQTT 3.1, and MQTT 5 answered as 3.1.1 asks), the connect flags, and a payload that
 * holds exactly what the flags announce, its strings valid. Statement numbers ([MQTT-x.y.z-n])
 * are those of OASIS MQTT Version 3.1.1.
 */

const CONNACK_UNACCEPTABLE_PROTOCOL_VERSION = 0x01
const CONNACK_IDENTIFIER_REJECTED = 0x02

const MQTT = Buffer.from('MQTT')
const MQISDP = Buffer.from('MQIsdp')

/** How each MQTT 5 property that may appear in CONNECT is encoded (MQTT 5.0 §2.2.2.2). */
const MQTT5_PROPERTY_KINDS: Readonly<Record<number, 'byte' | 'u16' | 'u32' | 'varint' | 'field' | 'pair'>> = {
  0x01: 'byte', 0x02: 'u32', 0x03: 'field', 0x08: 'field', 0x09: 'field', 0x0b: 'varint', 0x11: 'u32',
  0x15: 'field', 0x16: 'field', 0x17: 'byte', 0x18: 'u32', 0x19: 'byte', 0x21: 'u16', 0x22: 'u16', 0x26: 'pair', 0x27: 'u32',
}
const MQTT5_MAXIMUM_PACKET_SIZE = 0x27

/** A CONNECT the rules let through: its protocol level (3 for MQTT 3.1, 4 for 3.1.1) and client id (empty when the broker is to assign one). */
interface AcceptedConnect {
  level: number
  clientId: string
}

/**
 * Checks a CONNECT: fixed header from `packet[0]`, body from `bodyStart`. For MQTT 3.1 it clears
 * in place the bits 3.1 leaves unused but aedes' parser refuses (the fixed-header flags and the
 * reserved connect flag). Returns why the connection must be closed, or what was accepted.
 */
export function checkConnect(packet: Buffer, bodyStart: number): Refusal | AcceptedConnect {
  const body = new FieldReader(packet, bodyStart)
  const protocol = body.field()
  const level = body.byte()
  if (!protocol || level === undefined) return refusal('malformed_packet', 'CONNECT too short for its protocol name and level')
  const protocolName = packet.subarray(protocol.start, protocol.end)
  const mqtt311 = protocolName.equals(MQTT)
  if (!mqtt311 && !protocolName.equals(MQISDP)) return refusal('bad_protocol_name', 'CONNECT protocol name is neither MQTT nor MQIsdp [MQTT-3.1.2-1]')
  const headerFlags = (packet[0] as number) & 0x0f
  if (mqtt311 && headerFlags !== 0) return refusal('bad_flags', 'CONNECT with fixed-header flags set [MQTT-2.2.2-2]')
  // A bridge sets the top bit of the level (a mosquitto convention aedes understands).
  const version = level & 0x7f
  if (mqtt311 && version === 5) return checkMqtt5Connect(body)
  if (version !== (mqtt311 ? 4 : 3)) {
    return refusal('unsupported_protocol_level', `CONNECT for protocol ${mqtt311 ? 'MQTT' : 'MQIsdp'} at an unsupported level [MQTT-3.1.2-2]`, CONNACK_UNACCEPTABLE_PROTOCOL_VERSION)
  }
  const flagsAt = body.at
  const flags = body.byte()
  if (flags === undefined || body.u16() === undefined) return refusal('malformed_packet', 'CONNECT too short for its flags and keep alive')
  if (flags & 0x01) {
    if (mqtt311) return refusal('bad_flags', 'CONNECT with the reserved flag set [MQTT-3.1.2-3]')
    packet[flagsAt] = flags & 0xfe
  }
  // MQTT 3.1 defines no fixed-header flags for CONNECT; aedes' parser wants them 0.
  if (headerFlags !== 0) packet[0] = (packet[0] as number) & 0xf0
  const flagProblem = connectFlagsProblem(flags, mqtt311)
  if (flagProblem) return flagProblem
  const payload = connectPayload(body, flags)
  if (payload === 'truncated') return refusal('malformed_packet', 'CONNECT payload shorter than its flags announce [MQTT-3.1.3-1]')
  if (payload.problem) return payload.problem
  const clientId = payload.clientId
  const clean = (flags & 0x02) !== 0
  if (clientId.length === 0 && (!mqtt311 || !clean)) {
    return refusal(
      'client_id_rejected',
      mqtt311 ? 'CONNECT with an empty client id and clean session 0 [MQTT-3.1.3-8]' : 'MQTT 3.1 CONNECT with an empty client id',
      CONNACK_IDENTIFIER_REJECTED,
    )
  }
  return { level: version, clientId }
}

/** The CONNECT flags rules shared by every level. */
function connectFlagsProblem(flags: number, passwordNeedsUsername: boolean): Refusal | undefined {
  const will = (flags & 0x04) !== 0
  const willQos = (flags >> 3) & 3
  const willRetain = (flags & 0x20) !== 0
  if (!will && willQos !== 0) return refusal('bad_flags', 'CONNECT with a Will QoS but no Will flag [MQTT-3.1.2-13]')
  if (!will && willRetain) return refusal('bad_flags', 'CONNECT with Will Retain but no Will flag [MQTT-3.1.2-15]')
  if (willQos === 3) return refusal('bad_flags', 'CONNECT with Will QoS 3 [MQTT-3.1.2-14]')
  if (passwordNeedsUsername && flags & 0x40 && !(flags & 0x80)) return refusal('bad_flags', 'CONNECT with the password flag but no user name flag [MQTT-3.1.2-22]')
  return undefined
}

/**
 * Reads the CONNECT payload the flags announce (client id, Will topic and message, user name,
 * password, in that order) with nothing left over [MQTT-3.1.3-1], and checks its strings.
 * `willProperties` reads MQTT 5's Will properties before the Will topic.
 */
function connectPayload(
  body: FieldReader,
  flags: number,
  willProperties?: () => boolean,
): 'truncated' | { clientId: string; problem?: Refusal } {
  const id = body.field()
  if (!id) return 'truncated'
  const idText = stringProblem(body.bytes, id.start, id.end)
  if (idText) return { clientId: '', problem: refusal('bad_utf8', `CONNECT client id ${STRING_PROBLEMS[idText]}`) }
  const clientId = body.bytes.toString('utf8', id.start, id.end)
  if (flags & 0x04) {
    if (willProperties && !willProperties()) return 'truncated'
    const topic = body.field()
    if (!topic || !body.field()) return 'truncated'
    const text = stringProblem(body.bytes, topic.start, topic.end)
    if (text) return { clientId, problem: refusal('bad_utf8', `CONNECT Will topic ${STRING_PROBLEMS[text]}`) }
    const shape = topicNameProblem(body.bytes, topic.start, topic.end)
    if (shape) return { clientId, problem: refusal('bad_topic', `CONNECT Will topic ${shape}`) }
  }
  if (flags & 0x80) {
    const username = body.field()
    if (!username) return 'truncated'
    const text = stringProblem(body.bytes, username.start, username.end)
    if (text) return { clientId, problem: refusal('bad_utf8', `CONNECT user name ${STRING_PROBLEMS[text]}`) }
  }
  if (flags & 0x40 && !body.field()) return 'truncated'
  if (body.left > 0) return { clientId, problem: refusal('malformed_packet', 'CONNECT with bytes past the fields its flags announce [MQTT-3.1.2-18] [MQTT-3.1.2-20]') }
  return { clientId }
}

/** Walks MQTT 5 properties (a variable byte integer length, then the properties); undefined when malformed. */
function mqtt5Properties(body: FieldReader): Map<number, number> | undefined {
  const length = body.varint()
  if (length === undefined || length > body.left) return undefined
  const end = body.at + length
  const numbers = new Map<number, number>()
  while (body.at < end) {
    const id = body.varint()
    const kind = id === undefined ? undefined : MQTT5_PROPERTY_KINDS[id]
    if (id === undefined || kind === undefined) return undefined
    let value: number | undefined
    if (kind === 'byte') value = body.byte()
    else if (kind === 'u16') value = body.u16()
    else if (kind === 'u32') value = body.u32()
    else if (kind === 'varint') value = body.varint()
    else if (kind === 'field') value = body.field() ? 0 : undefined
    else value = body.field() && body.field() ? 0 : undefined
    if (value === undefined || body.at > end) return undefined
    numbers.set(id, value)
  }
  return numbers
}

/**
 * Hearth speaks MQTT 3.1.1, so an MQTT 5 client gets CONNACK 0x01 in the 3.1.1 form (which MQTT 5
 * clients read as "fall back or give up"). Its CONNECT is read as MQTT 5 first, so that a malformed
 * one is closed without a reply, as any malformed CONNECT is [MQTT-3.1.4-1], and one from a client
 * that cannot receive a four-byte packet gets no CONNACK it could not take.
 */
function checkMqtt5Connect(body: FieldReader): Refusal {
  const flags = body.byte()
  if (flags === undefined || body.u16() === undefined) return refusal('malformed_packet', 'MQTT 5 CONNECT too short for its flags and keep alive')
  if (flags & 0x01) return refusal('bad_flags', 'MQTT 5 CONNECT with the reserved flag set')
  const flagProblem = connectFlagsProblem(flags, false)
  if (flagProblem) return flagProblem
  const properties = mqtt5Properties(body)
  if (!properties) return refusal('malformed_packet', 'MQTT 5 CONNECT properties malformed')
  const payload = connectPayload(body, flags, () => mqtt5Properties(body) !== undefined)
  if (payload === 'truncated') return refusal('malformed_packet', 'MQTT 5 CONNECT payload shorter than its flags announce')
  if (payload.problem) return payload.problem
  const maximumPacketSize = properties.get(MQTT5_MAXIMUM_PACKET_SIZE)
  if (maximumPacketSize !== undefined && maximumPacketSize < 4) return refusal('mqtt5_unsupported', 'MQTT 5 CONNECT from a client that cannot receive a CONNACK')
  return refusal('mqtt5_unsupported', 'MQTT 5 CONNECT: this broker speaks MQTT 3.1.1 [MQTT-3.1.2-2]', CONNACK_UNACCEPTABLE_PROTOCOL_VERSION)
}
