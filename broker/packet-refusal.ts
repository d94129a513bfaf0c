/**
 * What the broker says about a packet it refuses before aedes parses it (frame-guard.ts for its
 * size and framing, packet-rules.ts for MQTT 3.1.1): a short reason for the counter, a fixed
 * description for the log, never the packet's bytes, and the CONNACK to answer with where the
 * specification asks for one.
 */

/** The `reason` label of `hearth_mqtt_refusals_total` for a packet refused before aedes parses it. */
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

export const refusal = (reason: PacketRefusalReason, why: string, connack?: number): Refusal => (connack === undefined ? { reason, why } : { reason, why, connack })
