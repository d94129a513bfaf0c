/**
 * MQTT 3.1.1 rules for the packets a client sends, checked on each whole packet before aedes parses
 * it. aedes' parser (mqtt-packet) already refuses wrong fixed-header flags, QoS 3 and inconsistent
 * Will flags, and aedes itself refuses a second CONNECT, a packet before CONNECT and wildcards in
 * PUBLISH topics; neither checks the text of strings (UTF-8, U+0000, control characters), packet
 * identifier 0, the length of acknowledgements, PINGREQ and DISCONNECT, bytes left over in CONNECT
 * or the protocol name against its level, and both accept an empty SUBSCRIBE or UNSUBSCRIBE. The
 * rules here cover all of it in one place, so that every violation is refused the same way: counted
 * under a short reason, logged without the offending bytes, and the connection closed (after the
 * CONNACK the specification asks for, where it asks for one).
 *
 * Statement numbers ([MQTT-x.y.z-n]) are those of OASIS MQTT Version 3.1.1.
 */

/** The `reason` label of `hearth_mqtt_refusals_total` for a packet refused here. */
type PacketRefusalReason =
  | 'packet_too_large'
  | 'malformed_packet'
  | 'bad_flags'
  | 'bad_utf8'
  | 'bad_topic'
  | 'bad_packet_id'
  | 'unexpected_packet'
  | 'bad_protocol_name'
  | 'unsupported_protocol_level'
  | 'mqtt5_unsupported'
  | 'client_id_rejected'

export interface Refusal {
  reason: PacketRefusalReason
  /** What was wrong, in words: never the packet's bytes or strings. */
  why: string
  /** The CONNACK return code to answer with before closing, where MQTT 3.1.1 asks for one. */
  connack?: number
  /** The client's id, once its CONNECT was accepted (a valid UTF-8 string by then). */
  clientId?: string
}

const CONNACK_UNACCEPTABLE_PROTOCOL_VERSION = 0x01
const CONNACK_IDENTIFIER_REJECTED = 0x02

const CONNECT = 1
const PUBLISH = 3
const PUBACK = 4
const PUBREC = 5
const PUBREL = 6
const PUBCOMP = 7
const SUBSCRIBE = 8
const UNSUBSCRIBE = 10
const PINGREQ = 12
const DISCONNECT = 14

const NAMES = ['reserved type 0', 'CONNECT', 'CONNACK', 'PUBLISH', 'PUBACK', 'PUBREC', 'PUBREL', 'PUBCOMP', 'SUBSCRIBE', 'SUBACK', 'UNSUBSCRIBE', 'UNSUBACK', 'PINGREQ', 'PINGRESP', 'DISCONNECT', 'reserved type 15']

const MQTT = Buffer.from('MQTT')
const MQISDP = Buffer.from('MQIsdp')

/** Why bytes are not an MQTT UTF-8 encoded string (§1.5.3), or undefined when they are one. */
export type StringProblem = 'ill_formed' | 'null_character' | 'control_character' | 'non_character'

/**
 * Checks the bytes `[start, end)` as an MQTT 3.1.1 UTF-8 encoded string: well-formed UTF-8 (no
 * surrogates, overlong forms or code points past U+10FFFF) [MQTT-1.5.3-1], no U+0000
 * [MQTT-1.5.3-2], and none of the code points §1.5.3 says a string SHOULD NOT hold and a receiver
 * MAY close the connection for: the controls U+0001–U+001F and U+007F–U+009F, and the Unicode
 * non-characters (U+FDD0–U+FDEF and the last two of every plane). U+FEFF is an ordinary character
 * [MQTT-1.5.3-3].
 */
export function stringProblem(bytes: Buffer, start: number, end: number): StringProblem | undefined {
  let i = start
  while (i < end) {
    const lead = bytes[i] as number
    if (lead < 0x80) {
      if (lead === 0) return 'null_character'
      if (lead < 0x20 || lead === 0x7f) return 'control_character'
      i++
      continue
    }
    let more: number
    let codePoint: number
    if (lead >= 0xc2 && lead <= 0xdf) {
      more = 1
      codePoint = lead & 0x1f
    } else if (lead >= 0xe0 && lead <= 0xef) {
      more = 2
      codePoint = lead & 0x0f
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      more = 3
      codePoint = lead & 0x07
    } else {
      // A continuation byte, an overlong two-byte lead (C0, C1) or a lead past U+10FFFF.
      return 'ill_formed'
    }
    if (i + more >= end) return 'ill_formed'
    for (let k = 1; k <= more; k++) {
      const next = bytes[i + k] as number
      if ((next & 0xc0) !== 0x80) return 'ill_formed'
      codePoint = (codePoint << 6) | (next & 0x3f)
    }
    if ((more === 2 && codePoint < 0x800) || (more === 3 && (codePoint < 0x10000 || codePoint > 0x10ffff))) return 'ill_formed'
    if (codePoint >= 0xd800 && codePoint <= 0xdfff) return 'ill_formed'
    if (codePoint <= 0x9f) return 'control_character'
    if ((codePoint >= 0xfdd0 && codePoint <= 0xfdef) || (codePoint & 0xfffe) === 0xfffe) return 'non_character'
    i += more + 1
  }
  return undefined
}

const STRING_PROBLEMS: Record<StringProblem, string> = {
  ill_formed: 'is not well-formed UTF-8 [MQTT-1.5.3-1]',
  null_character: 'holds U+0000 [MQTT-1.5.3-2]',
  control_character: 'holds a control character (MQTT 3.1.1 §1.5.3)',
  non_character: 'holds a Unicode non-character (MQTT 3.1.1 §1.5.3)',
}

const WILDCARD_PLUS = 0x2b
const WILDCARD_HASH = 0x23
const SEPARATOR = 0x2f

/** Why the bytes are not a topic name (non-empty, no wildcards), or undefined. UTF-8 is checked apart. */
export function topicNameProblem(bytes: Buffer, start: number, end: number): string | undefined {
  if (start === end) return 'is empty [MQTT-4.7.3-1]'
  for (let i = start; i < end; i++) {
    const byte = bytes[i]
    if (byte === WILDCARD_PLUS || byte === WILDCARD_HASH) return 'holds a wildcard [MQTT-3.3.2-2]'
  }
  return undefined
}

/** Why the bytes are not a topic filter (non-empty, wildcards each a whole level, `#` last), or undefined. */
export function topicFilterProblem(bytes: Buffer, start: number, end: number): string | undefined {
  if (start === end) return 'is empty [MQTT-4.7.3-1]'
  for (let i = start; i < end; i++) {
    const byte = bytes[i]
    if (byte !== WILDCARD_PLUS && byte !== WILDCARD_HASH) continue
    const wholeLevel = (i === start || bytes[i - 1] === SEPARATOR) && (i + 1 === end || bytes[i + 1] === SEPARATOR)
    if (byte === WILDCARD_HASH && (!wholeLevel || i + 1 !== end)) return 'has # other than as its whole last level [MQTT-4.7.1-2]'
    if (byte === WILDCARD_PLUS && !wholeLevel) return 'has + other than as a whole level [MQTT-4.7.1-3]'
  }
  return undefined
}

/** Reads the fields of one packet's body; every read is undefined once past its end. */
class FieldReader {
  constructor(
    readonly bytes: Buffer,
    public at: number,
  ) {}

  get left(): number {
    return this.bytes.length - this.at
  }

  byte(): number | undefined {
    return this.at < this.bytes.length ? this.bytes[this.at++] : undefined
  }

  u16(): number | undefined {
    if (this.left < 2) return undefined
    const value = this.bytes.readUInt16BE(this.at)
    this.at += 2
    return value
  }

  u32(): number | undefined {
    if (this.left < 4) return undefined
    const value = this.bytes.readUInt32BE(this.at)
    this.at += 4
    return value
  }

  /** A two-byte length and that many bytes: their [start, end), or undefined when they run past the packet. */
  field(): { start: number; end: number } | undefined {
    const length = this.u16()
    if (length === undefined || length > this.left) return undefined
    const start = this.at
    this.at += length
    return { start, end: this.at }
  }

  /** An MQTT 5 variable byte integer. */
  varint(): number | undefined {
    let value = 0
    for (let k = 0, multiplier = 1; k < 4; k++, multiplier *= 128) {
      const byte = this.byte()
      if (byte === undefined) return undefined
      value += (byte & 0x7f) * multiplier
      if ((byte & 0x80) === 0) return value
    }
    return undefined
  }

  skip(count: number): boolean {
    if (count > this.left) return false
    this.at += count
    return true
  }
}

/** How each MQTT 5 property that may appear in CONNECT is encoded (MQTT 5.0 §2.2.2.2). */
const MQTT5_PROPERTY_KINDS: Readonly<Record<number, 'byte' | 'u16' | 'u32' | 'varint' | 'field' | 'pair'>> = {
  0x01: 'byte', 0x02: 'u32', 0x03: 'field', 0x08: 'field', 0x09: 'field', 0x0b: 'varint', 0x11: 'u32',
  0x15: 'field', 0x16: 'field', 0x17: 'byte', 0x18: 'u32', 0x19: 'byte', 0x21: 'u16', 0x22: 'u16', 0x26: 'pair', 0x27: 'u32',
}
const MQTT5_MAXIMUM_PACKET_SIZE = 0x27

const refusal = (reason: PacketRefusalReason, why: string, connack?: number): Refusal => (connack === undefined ? { reason, why } : { reason, why, connack })

/**
 * The rules for one connection, fed its packets in order. `check` may rewrite bits that MQTT 3.1
 * leaves unused but aedes' parser refuses (CONNECT's fixed-header and reserved flags, DUP on a
 * repeated SUBSCRIBE, UNSUBSCRIBE or PUBREL), so that 3.1 clients keep working.
 */
export class MqttPacketRules {
  /** The protocol level accepted with CONNECT (3 for MQTT 3.1, 4 for 3.1.1); 0 before it. */
  private level = 0
  private clientId: string | undefined

  /**
   * Checks one whole packet: fixed header from `packet[0]`, body from `bodyStart`. Returns why the
   * connection must be closed, or undefined when the packet may go on to the broker.
   */
  check(packet: Buffer, bodyStart: number): Refusal | undefined {
    const first = packet[0] as number
    const type = first >> 4
    const name = NAMES[type] as string
    if (this.level === 0) {
      if (type !== CONNECT) return refusal('unexpected_packet', `${name} before CONNECT [MQTT-3.1.0-1]`)
      return this.checkConnect(packet, bodyStart)
    }
    const problem = this.checkAfterConnect(packet, bodyStart, type, name)
    return problem && this.clientId !== undefined ? { ...problem, clientId: this.clientId } : problem
  }

  private checkAfterConnect(packet: Buffer, bodyStart: number, type: number, name: string): Refusal | undefined {
    const flags = (packet[0] as number) & 0x0f
    const length = packet.length - bodyStart
    const body = new FieldReader(packet, bodyStart)
    switch (type) {
      case CONNECT:
        return refusal('unexpected_packet', 'a second CONNECT [MQTT-3.1.0-2]')
      case PUBLISH:
        return this.checkPublish(body, flags)
      case PUBACK:
      case PUBREC:
      case PUBCOMP:
      case PUBREL: {
        const wanted = type === PUBREL ? 0b0010 : 0
        const flagProblem = this.checkFlags(packet, flags, wanted, name, type === PUBREL ? '[MQTT-3.6.1-1]' : '[MQTT-2.2.2-2]')
        if (flagProblem) return flagProblem
        // §3.4.1, §3.5.1, §3.6.1, §3.7.1: the remaining length is 2, the packet identifier alone.
        if (length !== 2) return refusal('malformed_packet', `${name} with a remaining length other than 2 [MQTT-4.8.0-1]`)
        // It answers a PUBLISH, and none carries 0 [MQTT-2.3.1-1].
        if (body.u16() === 0) return refusal('bad_packet_id', `${name} with packet identifier 0 [MQTT-4.8.0-1]`)
        return undefined
      }
      case SUBSCRIBE:
      case UNSUBSCRIBE:
        return (
          this.checkFlags(packet, flags, 0b0010, name, type === SUBSCRIBE ? '[MQTT-3.8.1-1]' : '[MQTT-3.10.1-1]') ??
          this.checkSubscription(body, type === SUBSCRIBE, name)
        )
      case PINGREQ:
      case DISCONNECT:
        if (flags !== 0) return refusal('bad_flags', `${name} with fixed-header flags set [${type === DISCONNECT ? 'MQTT-3.14.1-1' : 'MQTT-2.2.2-2'}]`)
        if (length !== 0) return refusal('malformed_packet', `${name} with a remaining length other than 0 [MQTT-4.8.0-1]`)
        return undefined
      default:
        // CONNACK, SUBACK, UNSUBACK and PINGRESP go only from server to client; 0 and 15 are reserved.
        return refusal('unexpected_packet', `${name} from a client [MQTT-4.8.0-1]`)
    }
  }

  /** Fixed-header flags that must be `wanted`; for MQTT 3.1 clients a DUP bit on a packet that is acknowledged is cleared. */
  private checkFlags(packet: Buffer, flags: number, wanted: number, name: string, statement: string): Refusal | undefined {
    if (flags === wanted) return undefined
    if (this.level === 3 && wanted === 0b0010 && flags === 0b1010) {
      packet[0] = (packet[0] as number) & 0xf7
      return undefined
    }
    return refusal('bad_flags', `${name} with reserved fixed-header flags wrong ${statement}`)
  }

  private checkPublish(body: FieldReader, flags: number): Refusal | undefined {
    const qos = (flags >> 1) & 3
    if (qos === 3) return refusal('bad_flags', 'PUBLISH with QoS 3 [MQTT-3.3.1-4]')
    if (qos === 0 && flags & 0b1000) return refusal('bad_flags', 'PUBLISH at QoS 0 with DUP set [MQTT-3.3.1-2]')
    const topic = body.field()
    if (!topic) return refusal('malformed_packet', 'PUBLISH too short for its topic name [MQTT-3.3.2-1]')
    const text = stringProblem(body.bytes, topic.start, topic.end)
    if (text) return refusal('bad_utf8', `PUBLISH topic name ${STRING_PROBLEMS[text]}`)
    const shape = topicNameProblem(body.bytes, topic.start, topic.end)
    if (shape) return refusal('bad_topic', `PUBLISH topic name ${shape}`)
    if (qos > 0) {
      const id = body.u16()
      if (id === undefined) return refusal('malformed_packet', 'PUBLISH too short for its packet identifier [MQTT-2.3.1-1]')
      if (id === 0) return refusal('bad_packet_id', `PUBLISH at QoS ${qos} with packet identifier 0 [MQTT-2.3.1-1]`)
    }
    return undefined
  }

  private checkSubscription(body: FieldReader, subscribe: boolean, name: string): Refusal | undefined {
    const id = body.u16()
    if (id === undefined) return refusal('malformed_packet', `${name} too short for its packet identifier`)
    if (id === 0) return refusal('bad_packet_id', `${name} with packet identifier 0 [MQTT-2.3.1-1]`)
    if (body.left === 0) return refusal('malformed_packet', `${name} without a topic filter [${subscribe ? 'MQTT-3.8.3-3' : 'MQTT-3.10.3-2'}]`)
    while (body.left > 0) {
      const filter = body.field()
      if (!filter) return refusal('malformed_packet', `${name} topic filter runs past the packet`)
      const text = stringProblem(body.bytes, filter.start, filter.end)
      if (text) return refusal('bad_utf8', `${name} topic filter ${STRING_PROBLEMS[text]}`)
      const shape = topicFilterProblem(body.bytes, filter.start, filter.end)
      if (shape) return refusal('bad_topic', `${name} topic filter ${shape}`)
      if (!subscribe) continue
      const options = body.byte()
      if (options === undefined) return refusal('malformed_packet', 'SUBSCRIBE topic filter without its requested QoS [MQTT-3.8.3-1]')
      if (options & 0xfc) return refusal('bad_flags', 'SUBSCRIBE requested QoS byte with reserved bits set [MQTT-3-8.3-4]')
      if (options === 3) return refusal('bad_flags', 'SUBSCRIBE requesting QoS 3 [MQTT-3-8.3-4]')
    }
    return undefined
  }

  private checkConnect(packet: Buffer, bodyStart: number): Refusal | undefined {
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
    this.level = version
    if (clientId.length > 0) this.clientId = clientId
    return undefined
  }
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
