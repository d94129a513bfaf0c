import { z } from 'zod'

/** PROTOCOL §2c: what a webhook may be sent, one Standard Webhooks `type` per alert change. */
const WEBHOOK_EVENTS = ['alert.raised', 'alert.acknowledged', 'alert.resolved', 'alert.escalated'] as const
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number]

/** Standard Webhooks: the secret is `whsec_` and the base64 of its key. */
export const WEBHOOK_SECRET_PREFIX = 'whsec_'

/**
 * The shape of a webhook's URL: absolute, http or https, with no user name or password in it (a
 * secret in a URL ends up in logs) and no fragment (never sent). Where it may point (https beyond
 * loopback, private networks) is decided where the operator's settings are known.
 */
const WebhookUrlSchema = z
  .string()
  .max(2048)
  .superRefine((text, ctx) => {
    let url: URL
    try {
      url = new URL(text)
    } catch {
      ctx.addIssue({ code: 'custom', message: 'not an absolute URL such as https://alarms.example.org/hearth' })
      return
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') ctx.addIssue({ code: 'custom', message: `${url.protocol.slice(0, -1)} is not http or https` })
    if (url.username !== '' || url.password !== '') ctx.addIssue({ code: 'custom', message: 'no user name or password in the URL: the signature proves the sender, and a secret in a URL ends up in logs' })
    if (url.hash !== '') ctx.addIssue({ code: 'custom', message: 'no fragment (#…): it is never sent' })
  })

/** PROTOCOL §2c `POST /api/webhooks`. */
export const CreateWebhookBodySchema = z.strictObject({
  url: WebhookUrlSchema,
  events: z
    .array(z.enum(WEBHOOK_EVENTS))
    .min(1, 'at least one event')
    .refine((events) => new Set(events).size === events.length, 'each event once'),
})

/** How the newest delivery attempt to a webhook went. */
export interface WebhookDeliveryStatus {
  at: string
  /** `retrying`: it failed and will be tried again; `failed`: it was given up (a day of retries, or refused outright). */
  outcome: 'delivered' | 'retrying' | 'failed'
  /** The receiver's HTTP status, when it answered. */
  httpStatus: number | null
  error: string | null
}

/** A webhook as `GET /api/webhooks` lists it: never its secret. */
export interface WebhookView {
  id: string
  url: string
  events: WebhookEvent[]
  organisationId: string
  createdAt: string
  createdBy: string
  lastDelivery: WebhookDeliveryStatus | null
}
