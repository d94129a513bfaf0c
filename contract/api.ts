import { z } from 'zod'
import { DEVICE_TYPES, type ANSWER_TARGETS } from './api-values.js'
import { DeviceIdSchema } from './ids.js'
import { isMetricName } from './metrics.js'
import { OutcomeSchema } from './alert.js'
import { isTimeZone } from './time-zone.js'
import { RoleSchema } from './circles.js'

/** PROTOCOL §2 request bodies and queries. Unknown fields are refused so typos are not silently ignored. */

/** A code from the user's authenticator app (RFC 6238: 6 digits), or an unused recovery code. */
const TwoFactorCodeSchema = z.string().trim().min(1).max(64)

export const LoginBodySchema = z.strictObject({
  username: z.string().min(1).max(128),
  password: z.string().min(1).max(1024),
  /** Hearth extension, for an account with two-factor sign-in on. */
  code: TwoFactorCodeSchema.optional(),
})

/** Turns on the two-factor sign-in set up last, with a code the authenticator shows for it. */
/** Turns a pending set-up on: a code from the app, and the password (a session left open is not enough to change how its user signs in). */
export const TwoFactorConfirmBodySchema = z.strictObject({
  code: z.string().trim().regex(/^\d{6}$/, '6 digits from your authenticator app'),
  password: z.string().min(1).max(1024),
})

/** Turns two-factor sign-in off: the password and a current code (or an unused recovery code). */
export const TwoFactorDisableBodySchema = z.strictObject({ password: z.string().min(1).max(1024), code: TwoFactorCodeSchema })

/** What a new password must be: long enough to be hard to guess (NCSC: length over complexity). */
const NewPasswordSchema = z.string().min(12, 'at least 12 characters').max(1024)

/** A signed-in user changes their own password, giving the one they have. */
export const ChangePasswordBodySchema = z
  .strictObject({
    currentPassword: z.string().min(1).max(1024),
    newPassword: NewPasswordSchema,
  })
  .refine((b) => b.newPassword !== b.currentPassword, { message: 'must differ from the current password', path: ['newPassword'] })

/** An admin resets a user's password: the user chooses their own at the next sign-in. */
export const ResetPasswordBodySchema = z.strictObject({ password: NewPasswordSchema })

/** A user's email address: one address, at most 254 characters (RFC 5321). */
const UserEmailSchema = z.email('an email address such as name@example.org').max(254)

/** PROTOCOL §2b: every user belongs to one organisation (the caller's when not named). */
export const CreateUserBodySchema = z
  .strictObject({
    username: z.string().regex(/^[a-z0-9._-]{2,64}$/, 'lower-case letters, digits, . _ - (2 to 64)'),
    password: NewPasswordSchema,
    displayName: z.string().min(1).max(128).optional(),
    roles: z.array(RoleSchema).min(1),
    organisationId: z.string().min(1).max(64).optional(),
    /** For role `person`: the person who signs in (or whose proxy does). */
    personId: z.string().min(1).max(64).optional(),
    /** Where a supervisor is emailed of an alert nobody answered in time. */
    email: UserEmailSchema.optional(),
  })
  .refine((b) => !b.roles.includes('person') || b.personId !== undefined, { message: 'a user of role person names the person', path: ['personId'] })
  .refine((b) => b.personId === undefined || b.roles.includes('person'), { message: 'only a user of role person names a person', path: ['personId'] })
  .refine((b) => !b.roles.includes('person') || b.roles.length === 1, { message: 'role person is held alone', path: ['roles'] })

const contactSchema = z.strictObject({
  name: z.string().min(1).max(128),
  relationship: z.string().max(64).optional(),
  phone: z.string().max(32).optional(),
  keyHolder: z.boolean().optional(),
})

export const CreatePersonBodySchema = z.strictObject({
  name: z.string().trim().min(1).max(128),
  timeZone: z.string().refine(isTimeZone, 'unknown IANA time zone').default('Europe/London'),
  dateOfBirth: z.iso.date().optional(),
  address: z.string().max(512).optional(),
  phone: z.string().max(32).optional(),
  medicalNotes: z.string().max(4096).optional(),
  contacts: z.array(contactSchema).max(20).optional(),
  /** How to get in: a key-safe code, entry instructions. Shown only on request, and every look is audited. */
  accessDetails: z.string().max(512).optional(),
})
export type CreatePersonBody = z.infer<typeof CreatePersonBodySchema>

/** PROTOCOL §2b: `monitoredBy` joins that organisation to the new person's circle with basis direct-care. */
export const CreatePersonRequestSchema = CreatePersonBodySchema.extend({
  monitoredBy: z.string().min(1).max(64).optional(),
})

const DeviceTypeSchema = z.enum(DEVICE_TYPES)

export const ProvisionDeviceBodySchema = z.strictObject({
  id: DeviceIdSchema.optional(),
  type: DeviceTypeSchema,
  personId: z.string().min(1).max(64),
  checkInSeconds: z.number().int().min(10).max(7 * 24 * 3600).optional(),
  label: z.string().max(128).optional(),
})

/** The longest a replaced device secret keeps working: a week, time to reach a device that is away. */
const MAX_SECRET_GRACE_MINUTES = 7 * 24 * 60

/** A device's secret replaced: the old one works `graceMinutes` more, none unless given. */
export const RotateDeviceSecretBodySchema = z.strictObject({
  graceMinutes: z.number().int('whole minutes').min(0, 'at least 0').max(MAX_SECRET_GRACE_MINUTES, `at most ${MAX_SECRET_GRACE_MINUTES} (7 days)`).default(0),
})

/** A device moved to another person: what it sends from then on is theirs. */
export const MoveDeviceBodySchema = z.strictObject({
  personId: z.string().min(1).max(64),
})

const ALERT_LIST_STATUSES = ['open', 'resolved', 'all'] as const
export const AlertListQuerySchema = z.strictObject({
  status: z.enum(ALERT_LIST_STATUSES).default('open'),
  limit: z.coerce.number().int().min(1).max(1000).default(500),
})

export const ResolveBodySchema = z.strictObject({
  outcome: OutcomeSchema,
  note: z.string().max(4096).optional(),
})

export const CreateTokenBodySchema = z.strictObject({
  name: z.string().min(1).max(128),
  roles: z.array(RoleSchema).min(1),
  /** Days until the token is refused: 90 unless given, at most a year. */
  expiresInDays: z.number().int('whole days').min(1, 'at least 1').max(365, 'at most 365').default(90),
})

const DURATION = /^(\d+)(s|m|h|d)$/
const DURATION_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const

/** The widest bucket a series may ask for: a year. */
const MAX_BUCKET_MS = 366 * 86_400_000

/** Parses a bucket width such as `60s`, `5m`, `1h`, `1d` into milliseconds. */
function parseDurationMs(text: string): number | undefined {
  const match = DURATION.exec(text)
  if (!match) return undefined
  const ms = Number(match[1]) * DURATION_MS[match[2] as keyof typeof DURATION_MS]
  // `every=<400 nines>d` is Infinity: no bucket is wider than the longest range worth asking for.
  return Number.isSafeInteger(ms) && ms <= MAX_BUCKET_MS ? ms : undefined
}

/** The most points one readings query returns. */
export const MAX_SERIES_POINTS = 5000

export const ReadingsQuerySchema = z
  .strictObject({
    metric: z.string().refine(isMetricName, 'unknown metric'),
    from: z.iso.datetime({ offset: true }),
    to: z.iso.datetime({ offset: true }),
    every: z
      .string()
      .default('60s')
      .refine((v) => (parseDurationMs(v) ?? 0) > 0, 'a duration such as 60s, 5m, 1h or 1d, at most a year'),
  })
  .transform((q) => ({
    metric: q.metric,
    fromMs: Date.parse(q.from),
    toMs: Date.parse(q.to),
    everyMs: parseDurationMs(q.every) ?? 60_000,
  }))
  .refine((q) => q.toMs > q.fromMs, { message: 'must be after from', path: ['to'] })
  .refine((q) => (q.toMs - q.fromMs) / q.everyMs <= MAX_SERIES_POINTS, {
    message: `asks for more than ${MAX_SERIES_POINTS} buckets; widen every or narrow the range`,
    path: ['every'],
  })

export interface SeriesPoint {
  t: string
  mean: number
  min: number
  max: number
  count: number
}

/** A responder's note on an alert (issue: dashboard). */
export const AlertNoteBodySchema = z.strictObject({
  text: z.string().trim().min(1, 'write something').max(2000),
})

export const UpdateUserBodySchema = z
  .strictObject({
    displayName: z.string().trim().min(1).max(128).optional(),
    roles: z.array(RoleSchema).min(1).optional(),
    /** PROTOCOL §2b: true ends the user's access at once (sessions, tokens, live connections); false restores it. */
    disabled: z.boolean().optional(),
    /** `null` removes it. */
    email: UserEmailSchema.nullable().optional(),
  })
  .refine((b) => b.displayName !== undefined || b.roles !== undefined || b.disabled !== undefined || b.email !== undefined, {
    message: 'change displayName, roles, disabled or email',
    path: ['(root)'],
  })

/** What may change about a person after creation; the time zone changes through their care settings. */
export const UpdatePersonBodySchema = CreatePersonBodySchema.omit({ timeZone: true })
  .partial()
  .refine((b) => Object.keys(b).length > 0, { message: 'change at least one field', path: ['(root)'] })

/** A period for the service figures, at most 31 days. */
export const AnswerTimesQuerySchema = z
  .strictObject({ from: z.iso.datetime({ offset: true }), to: z.iso.datetime({ offset: true }) })
  .transform((q) => ({ fromMs: Date.parse(q.from), toMs: Date.parse(q.to) }))
  .refine((q) => q.toMs > q.fromMs, { message: 'must be after from', path: ['to'] })
  .refine((q) => q.toMs - q.fromMs <= 31 * 86_400_000, { message: 'at most 31 days', path: ['to'] })

export interface AnswerShare {
  /** Alarm alerts raised in the period and answered (acknowledged) or still waiting. */
  alarms: number
  within60s: number
  within180s: number
  /** Shares of `alarms`, 0 to 1; null when there were none. */
  share60s: number | null
  share180s: number | null
}

export interface AnswerTimes {
  from: string
  to: string
  targets: typeof ANSWER_TARGETS
  overall: AnswerShare
  /** By the responder who first acknowledged each alarm. */
  byResponder: Array<AnswerShare & { responder: string }>
  /** Alarms answered after 180 s, or not yet, for review: slowest first. */
  late: Array<{ alertId: string; personId: string; personName: string; kind: string; raisedAt: string; answeredAfterSeconds: number | null; acknowledgedBy: string | null }>
}

/** One line of a person's timeline: what their devices said, what happened to their alerts. */
export interface TimelineItem {
  at: string
  /** A device event, an alert's handling, a member's note, a care settings change, a planned absence, or a call from the response plan. */
  source: 'event' | 'alert' | 'note' | 'care-settings' | 'absence' | 'call'
  /** The event type, the alert history action, `note`, `changed`, or the absence's `planned`/`ended`. */
  type: string
  text: string
  deviceId?: string
  alertId?: string
  /**
   * Hearth extension: the incident the item's alert belongs to, on every item with an `alertId`.
   * Alerts of the person that were open at the same time (overlapping, directly or through
   * another) are one incident, answered together; its id is the id of its first-raised alert.
   */
  incidentId?: string
  /** Who wrote or did it (their display name), with their organisation and role, so each keeps its identity. */
  by?: string | null
  organisation?: string | null
  role?: string | null
}
