import { createTransport } from 'nodemailer'
import { z } from 'zod'
import type { Sender, SendResult } from './dispatcher.js'

/** An email as it waits in the outbox: who it goes to, its subject, plain text, and HTML if any. */
export const EmailMessageSchema = z.strictObject({
  to: z.email().max(254),
  subject: z.string().trim().min(1).max(200).refine((text) => !/[\r\n]/.test(text), 'the subject is one line'),
  text: z.string().min(1).max(100_000),
  html: z.string().max(200_000).optional(),
})
export type EmailMessage = z.infer<typeof EmailMessageSchema>

export interface EmailConfig {
  /** HEARTH_SMTP_URL: `smtp://` (STARTTLS, required beyond this machine) or `smtps://` (TLS from the start), credentials in it if the server wants them. */
  url: string
  /** HEARTH_SMTP_FROM: the sender, `hearth@care.example.org` or `Hearth <hearth@care.example.org>`. */
  from: string
  /** An attempt taking longer than this failed (and is tried again). */
  timeoutMs: number
}

const isLoopback = (hostname: string): boolean => hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname)

/** The domain of the sender's address, for Message-IDs. */
const domainOf = (from: string): string => /@([^>\s]+)>?\s*$/.exec(from)?.[1] ?? 'hearth.invalid'

/** Why SMTP refused, without what the server may have echoed of the message (addresses are personal data). */
function describeFailure(error: unknown): { permanent: boolean; text: string } {
  const { code, responseCode, name } = (error ?? {}) as { code?: unknown; responseCode?: unknown; name?: unknown }
  if (typeof responseCode === 'number') return { permanent: responseCode >= 500, text: `SMTP ${responseCode}${typeof code === 'string' ? ` (${code})` : ''}` }
  if (name === 'TimeoutError') return { permanent: false, text: 'no answer in time' }
  return { permanent: false, text: typeof code === 'string' ? code : error instanceof Error ? error.message : String(error) }
}

/**
 * Email over SMTP (nodemailer): one message per attempt, its Message-ID the outbox message's, so a
 * message sent again after a restart is recognisably the same. A permanent SMTP refusal (5xx) is
 * not tried again; anything else is.
 */
export function createEmailSender(config: EmailConfig): { send: Sender; close(): void } {
  const url = new URL(config.url)
  const transport = createTransport({
    url: config.url,
    // Emails about alerts carry health data: never in clear beyond this machine.
    requireTLS: url.protocol === 'smtp:' && !isLoopback(url.hostname),
    connectionTimeout: config.timeoutMs,
    greetingTimeout: config.timeoutMs,
    socketTimeout: config.timeoutMs,
  })
  const domain = domainOf(config.from)
  return {
    async send(message, signal): Promise<SendResult> {
      const email = EmailMessageSchema.safeParse(JSON.parse(message.payload))
      if (!email.success) return { kind: 'refused', error: 'not an email message' }
      try {
        await transport.sendMail({
          from: config.from,
          to: email.data.to,
          subject: email.data.subject,
          text: email.data.text,
          ...(email.data.html === undefined ? {} : { html: email.data.html }),
          messageId: `<${message.id}@${domain}>`,
          signal: AbortSignal.any([AbortSignal.timeout(config.timeoutMs * 3), signal]),
        })
        return { kind: 'delivered' }
      } catch (error) {
        const failure = describeFailure(error)
        return { kind: failure.permanent ? 'refused' : 'retry', error: failure.text }
      }
    },
    close: () => transport.close(),
  }
}
