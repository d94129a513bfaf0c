import { createHmac, randomBytes } from 'node:crypto'
import { WEBHOOK_SECRET_PREFIX } from '../contract/index.js'

/** PROTOCOL §2c: `whsec_` and the base64 of 32 random bytes, shown once when the webhook is registered. */
export function newWebhookSecret(): string {
  return `${WEBHOOK_SECRET_PREFIX}${randomBytes(32).toString('base64')}`
}

/** A message id as Standard Webhooks shows them (`msg_…`): the `webhook-id` of every attempt of one delivery. */
export function newMessageId(): string {
  return `msg_${randomBytes(16).toString('base64url')}`
}

/**
 * Standard Webhooks' `webhook-signature`: `v1,` and the base64 of HMAC-SHA256, keyed with the
 * base64-decoded part of the secret after `whsec_`, over `{id}.{timestamp}.{body}`.
 */
export function signWebhook(secret: string, messageId: string, timestampSeconds: number, body: string): string {
  const key = Buffer.from(secret.slice(WEBHOOK_SECRET_PREFIX.length), 'base64')
  return `v1,${createHmac('sha256', key).update(`${messageId}.${timestampSeconds}.${body}`).digest('base64')}`
}
