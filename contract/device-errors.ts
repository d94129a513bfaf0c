import type { DeviceTopicSuffix } from './topics.js'
import type { RefusalCode } from './senml.js'

/**
 * The payload published on a device's `errors` topic when something it sent was refused
 * (PROTOCOL §1 leaves the shape open; this is Hearth's, stable within v1).
 */
export interface DeviceErrorMessage {
  /** The suffix of the topic the refused message was sent to. */
  topic: DeviceTopicSuffix
  receivedAt: string
  /** For readings: how many records of the pack were kept. */
  accepted?: number
  /**
   * For events over their device's limits (`rate_limited`, docs/device-event-limits.md): `name` is
   * the event type, and one entry stands for every such event of that type since the last answer.
   */
  refused: Array<{ index?: number; name?: string; code: RefusalCode | 'invalid' | 'notice' | 'rate_limited'; message: string }>
}
