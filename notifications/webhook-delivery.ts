import type { Clock } from '../contract/index.js'
import type { Sender, SendResult } from './dispatcher.js'
import type { WebhookStore } from './ports.js'
import { signWebhook } from './webhook-signature.js'
import { resolvedTargetRefusal } from './webhook-target.js'

export interface WebhookDeliveryConfig {
  /** An attempt not answered in this long failed (and is tried again). */
  timeoutMs: number
  /** HEARTH_WEBHOOK_ALLOW_PRIVATE: deliveries may go to private network addresses. */
  allowPrivate: boolean
}

/** Why a request failed, in words a receiver's operator recognises: the socket's error code where there is one. */
function describeFailure(error: unknown): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return error.name === 'TimeoutError' ? 'no answer in time' : 'aborted'
  const cause = error instanceof Error ? (error.cause as { code?: unknown; message?: unknown } | undefined) : undefined
  if (typeof cause?.code === 'string') return cause.code
  if (typeof cause?.message === 'string') return cause.message
  return error instanceof Error ? error.message : String(error)
}

/**
 * PROTOCOL §2c, Standard Webhooks: a POST of the message's body, signed for this attempt (its
 * `webhook-id` the message's, the same on every attempt; `webhook-timestamp` now). Any 2xx is
 * delivered; any other answer, a redirect included (never followed: it could lead anywhere), a
 * timeout or a connection error is tried again.
 */
export function createWebhookSender(config: WebhookDeliveryConfig, deps: { clock: Clock; webhooks: Pick<WebhookStore, 'get'> }): Sender {
  return async (message, signal): Promise<SendResult> => {
    const webhook = message.webhookId === null ? undefined : deps.webhooks.get(message.webhookId)
    if (!webhook) return { kind: 'refused', error: 'the webhook was removed' }
    try {
      const url = new URL(webhook.url)
      const refused = await resolvedTargetRefusal(url, config.allowPrivate)
      if (refused !== undefined) return { kind: 'refused', error: refused }
      const timestamp = Math.floor(deps.clock.now() / 1000)
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Hearth-Webhooks/1',
          'webhook-id': message.id,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': signWebhook(webhook.secret, message.id, timestamp, message.payload),
        },
        body: message.payload,
        redirect: 'manual',
        signal: AbortSignal.any([AbortSignal.timeout(config.timeoutMs), signal]),
      })
      // The answer's body means nothing to Hearth: not read, the connection freed.
      await response.body?.cancel()
      if (response.status >= 200 && response.status < 300) return { kind: 'delivered', httpStatus: response.status }
      return { kind: 'retry', error: `answered HTTP ${response.status}`, httpStatus: response.status }
    } catch (error) {
      return { kind: 'retry', error: describeFailure(error) }
    }
  }
}
