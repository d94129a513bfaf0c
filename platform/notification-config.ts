import { z } from 'zod'
import type { Problem } from '../contract/index.js'

const flag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1')

/** Never echoed back: it may hold the SMTP password. */
const SMTP_URL_MESSAGE = 'an smtp:// (STARTTLS) or smtps:// (TLS) URL with a host, such as smtps://hearth:password@mail.example.org:465'

/** An address, bare or with a display name: `hearth@care.example.org`, `Hearth <hearth@care.example.org>`. */
const MAILBOX = /^(?:[^<>\r\n]*<[^<>\s@]+@[^<>\s@]+\.[^<>\s@]+>|[^<>\s@]+@[^<>\s@]+\.[^<>\s@]+)$/

/** The HEARTH_ variables of outbound notifications (config.ts takes them into its one schema). */
export const NOTIFICATION_ENV = {
  /** Email notifications go through this SMTP server; without it email is off. */
  HEARTH_SMTP_URL: z
    .string()
    .optional()
    .superRefine((text, ctx) => {
      if (text === undefined) return
      let url: URL | undefined
      try {
        url = new URL(text)
      } catch {
        url = undefined
      }
      if (url === undefined || !['smtp:', 'smtps:'].includes(url.protocol) || url.hostname === '') ctx.addIssue({ code: 'custom', message: SMTP_URL_MESSAGE })
    }),
  HEARTH_SMTP_FROM: z.string().trim().max(254).regex(MAILBOX, 'an address such as hearth@care.example.org or Hearth <hearth@care.example.org>').optional(),
  /** Webhooks may go to private network addresses (10.0.0.0/8, 192.168.0.0/16, fd00::/8 and the like). */
  HEARTH_WEBHOOK_ALLOW_PRIVATE: flag.default(false),
  /** Seconds between a failed delivery and the next attempt, the last repeated until a day has passed. */
  HEARTH_NOTIFICATION_RETRY_SECONDS: z
    .string()
    .default('5,30,120,600,1800,3600')
    .transform((text, ctx) => {
      const seconds = text.split(',').map((s) => Number(s.trim()))
      if (seconds.length === 0 || seconds.some((s) => !Number.isFinite(s) || s <= 0 || s > 86_400)) {
        ctx.addIssue({ code: 'custom', message: 'comma-separated seconds, each above 0 and at most 86400, such as 5,30,120,600,1800,3600' })
        return z.NEVER
      }
      return seconds.map((s) => Math.round(s * 1000))
    }),
}

export interface NotificationSettings {
  /** Email over SMTP, when HEARTH_SMTP_URL is set. */
  smtp?: { url: string; from: string }
  allowPrivateWebhooks: boolean
  retryScheduleMs: number[]
}

type NotificationEnv = z.output<z.ZodObject<typeof NOTIFICATION_ENV>>

/** The notification settings, with what is wrong with them added to `problems`. */
export function readNotificationSettings(env: NotificationEnv, problems: Problem[]): NotificationSettings {
  const url = env.HEARTH_SMTP_URL
  const from = env.HEARTH_SMTP_FROM
  if (url !== undefined && from === undefined) problems.push({ field: 'HEARTH_SMTP_FROM', message: 'set it with HEARTH_SMTP_URL: the address emails come from' })
  if (url === undefined && from !== undefined) problems.push({ field: 'HEARTH_SMTP_URL', message: 'set it with HEARTH_SMTP_FROM: the SMTP server emails go through' })
  return {
    ...(url !== undefined && from !== undefined ? { smtp: { url, from } } : {}),
    allowPrivateWebhooks: env.HEARTH_WEBHOOK_ALLOW_PRIVATE,
    retryScheduleMs: env.HEARTH_NOTIFICATION_RETRY_SECONDS,
  }
}
