import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AddressInfo } from 'node:net'
import { SMTPServer } from 'smtp-server'
import { loadConfig } from '../../platform/config.js'
import { removeDir, startTestPlatform, tempDir, type TestPlatform } from '../../harness/test-platform.js'

interface ReceivedMail {
  mailFrom: string
  rcptTo: string[]
  headers: Map<string, string>
  body: string
}

/** The raw message's header fields (unfolded, names lower-cased) and its body. */
function parseMessage(raw: string): Pick<ReceivedMail, 'headers' | 'body'> {
  const split = raw.indexOf('\r\n\r\n')
  const headers = new Map<string, string>()
  for (const line of raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const colon = line.indexOf(':')
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim())
  }
  return { headers, body: raw.slice(split + 4) }
}

/**
 * A mail server on 127.0.0.1 that keeps what it accepts; `refuse` answers a recipient with an SMTP
 * error (responseCode) for as long as it returns one.
 */
async function startMailServer(refuse: (address: string) => number | undefined = () => undefined) {
  const received: ReceivedMail[] = []
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      const code = refuse(address.address)
      if (code === undefined) return callback()
      callback(Object.assign(new Error(code >= 500 ? 'no such mailbox' : 'try again later'), { responseCode: code }))
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.on('end', () => {
        const from = session.envelope.mailFrom
        received.push({ mailFrom: from === false ? '' : from.address, rcptTo: session.envelope.rcptTo.map((r) => r.address), ...parseMessage(Buffer.concat(chunks).toString('utf8')) })
        callback()
      })
    },
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.server.address() as AddressInfo
  return { url: `smtp://127.0.0.1:${port}`, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) }
}

const FROM = 'Hearth Telecare <alerts@care.example.org>'

describe('email notifications over SMTP', () => {
  const dataDir = tempDir()
  let t: TestPlatform
  let mail: Awaited<ReturnType<typeof startMailServer>>
  let answeredTimes = 0

  beforeAll(async () => {
    mail = await startMailServer((address) => {
      if (address === 'nobody@example.org') return 550
      // The first answer for this mailbox is "later".
      if (address === 'busy@example.org' && answeredTimes++ === 0) return 451
      return undefined
    })
    t = await startTestPlatform(dataDir, { HEARTH_SMTP_URL: mail.url, HEARTH_SMTP_FROM: FROM, HEARTH_NOTIFICATION_RETRY_SECONDS: '0.2' })
  })
  afterAll(async () => {
    await t?.close()
    await mail?.close()
    removeDir(dataDir)
  })

  it('sends a queued email through the SMTP server with its sender, recipient, subject and text, once per key', async () => {
    const text = 'Edith Cavell pressed her pendant at 10:02.\nA responder from Hearth Telecare is calling her now.'
    const id = t.platform.enqueueEmail({ to: 'daughter@example.org', subject: 'Edith pressed her alarm', text }, 'alert-a-1:daughter')
    expect(id).toMatch(/^msg_/)
    await expect.poll(() => mail.received.length, { timeout: 10_000 }).toBe(1)
    const [got] = mail.received
    expect(got?.mailFrom).toBe('alerts@care.example.org')
    expect(got?.rcptTo).toEqual(['daughter@example.org'])
    expect(got?.headers.get('from')).toBe(FROM)
    expect(got?.headers.get('to')).toBe('daughter@example.org')
    expect(got?.headers.get('subject')).toBe('Edith pressed her alarm')
    // The outbox message's id: the same on a second attempt, so a mailbox can tell a resend.
    expect(got?.headers.get('message-id')).toBe(`<${id as string}@care.example.org>`)
    expect(got?.body.replace(/\r\n/g, '\n').trim()).toBe(text)

    // The same key again (the same change told twice) writes nothing.
    expect(t.platform.enqueueEmail({ to: 'daughter@example.org', subject: 'Edith pressed her alarm', text }, 'alert-a-1:daughter')).toBeUndefined()
    await expect.poll(async () => (await t.api.metrics()).body).toMatch(/hearth_notifications_delivered_total\{channel="email"\} 1\b/)
    expect(mail.received).toHaveLength(1)
  })

  it('tries again after a temporary refusal, and gives up at once on a permanent one', async () => {
    const later = t.platform.enqueueEmail({ to: 'busy@example.org', subject: 'Alarm', text: 'An alarm was raised.' })
    await expect.poll(() => mail.received.filter((m) => m.rcptTo.includes('busy@example.org')).length, { timeout: 10_000 }).toBe(1)
    expect(mail.received.find((m) => m.rcptTo.includes('busy@example.org'))?.headers.get('message-id')).toBe(`<${later as string}@care.example.org>`)

    t.platform.enqueueEmail({ to: 'nobody@example.org', subject: 'Alarm', text: 'An alarm was raised.' })
    await expect.poll(async () => (await t.api.metrics()).body).toMatch(/hearth_notifications_failed_total\{channel="email",reason="refused"\} 1\b/)
    const metrics = (await t.api.metrics()).body
    expect(metrics).toMatch(/hearth_notifications_retried_total\{channel="email"\} 1\b/)
    expect(metrics).toMatch(/hearth_notifications_pending 0\b/)
    expect(mail.received.some((m) => m.rcptTo.includes('nobody@example.org'))).toBe(false)
  })

  it('refuses an email that is not one', () => {
    expect(() => t.platform.enqueueEmail({ to: 'not an address', subject: 'Alarm\r\nBcc: x@example.org', text: '' })).toThrow(/invalid email: to: .*subject: the subject is one line.*text:/)
  })
})

describe('email settings', () => {
  it('says clearly what is wrong with HEARTH_SMTP_URL and HEARTH_SMTP_FROM, never echoing the URL', () => {
    expect(() => loadConfig({ HEARTH_SMTP_URL: 'https://mail:s3cret@example.org', HEARTH_SMTP_FROM: FROM })).toThrow(
      /HEARTH_SMTP_URL: an smtp:\/\/ \(STARTTLS\) or smtps:\/\/ \(TLS\) URL with a host/,
    )
    expect(() => loadConfig({ HEARTH_SMTP_URL: 'https://mail:s3cret@example.org', HEARTH_SMTP_FROM: FROM })).not.toThrow(/s3cret/)
    expect(() => loadConfig({ HEARTH_SMTP_URL: 'smtps://mail.example.org' })).toThrow(/HEARTH_SMTP_FROM: set it with HEARTH_SMTP_URL/)
    expect(() => loadConfig({ HEARTH_SMTP_URL: 'smtps://mail.example.org', HEARTH_SMTP_FROM: 'alerts' })).toThrow(/HEARTH_SMTP_FROM: an address such as/)
    expect(loadConfig({ HEARTH_SMTP_URL: 'smtps://mail.example.org:465', HEARTH_SMTP_FROM: FROM }).notifications.smtp).toEqual({ url: 'smtps://mail.example.org:465', from: FROM })
    expect(loadConfig({}).notifications.smtp).toBeUndefined()
  })

  it('sends no email, and queues none, without an SMTP server', async () => {
    const dataDir = tempDir()
    const t = await startTestPlatform(dataDir)
    try {
      expect(t.platform.enqueueEmail({ to: 'daughter@example.org', subject: 'Alarm', text: 'An alarm was raised.' })).toBeUndefined()
    } finally {
      await t.close()
      removeDir(dataDir)
    }
  })
})
