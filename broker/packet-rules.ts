import { checkConnect } from './connect-rules.js'
import { FieldReader } from './field-reader.js'
import { STRING_PROBLEMS, stringProblem, topicFilterProblem, topicNameProblem } from './mqtt-strings.js'
import { refusal, type Refusal } from './packet-refusal.js'

/**
 * MQTT 3.1.1 rules for the packets a client sends, checked on each whole packet before aedes parses
 * it. aedes' parser (mqtt-packet) already refuses wrong fixed-header flags, QoS 3 and inconsistent
 * Will flags, and aedes itself refuses a second CONNECT, a packet before CONNECT and wildcards in
 * PUBLISH topics; neither checks the text of strings (UTF-8, U+0000, control characters), packet
 * identifier 0, the length of acknowledgements, PINGREQ and DISCONNECT, bytes left over in CONNECT
 * or the protocol name against its level, and both accept an empty SUBSCRIBE or UNSUBSCRIBE. The
 * rules here cover all of it, CONNECT's in connect-rules.ts and those on strings and topics in
 * mqtt-strings.ts, so that every violation is refused the same way (packet-refusal.ts): counted
 * under a short reason, logged without the offending bytes, and the connection closed (after the
 * CONNACK the specification asks for, where it asks for one).
 *
 * Statement numbers ([MQTT-x.y.z-n]) are those of OASIS MQTT Version 3.1.1.
 */

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
      const connect = checkConnect(packet, bodyStart)
      if ('reason' in connect) return connect
      this.level = connect.level
      if (connect.clientId.length > 0) this.clientId = connect.clientId
      return undefined
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
}
