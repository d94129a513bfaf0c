import { describe, expect, it } from 'vitest'
import { Webhook } from 'standardwebhooks'
import { newWebhookSecret, signWebhook } from '../../../notifications/webhook-signature.js'

describe('webhook signatures', () => {
  it('signs as the Standard Webhooks reference library does', () => {
    const secret = newWebhookSecret()
    const body = JSON.stringify({ type: 'alert.raised', timestamp: '2026-11-29T10:00:00.000Z', data: { alert: { id: 'a-1' } } })
    const at = new Date('2026-11-29T10:00:05.000Z')
    expect(signWebhook(secret, 'msg_abc', at.getTime() / 1000, body)).toBe(new Webhook(secret).sign('msg_abc', at, body))
  })

  it('makes a new 32-byte secret each time', () => {
    const [a, b] = [newWebhookSecret(), newWebhookSecret()]
    expect(a).not.toBe(b)
    expect(Buffer.from(a.slice('whsec_'.length), 'base64')).toHaveLength(32)
  })
})
