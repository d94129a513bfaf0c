import { z } from 'zod'

/**
 * Hearth extension to PROTOCOL §2c: follow-up calls set on an alert (raised as `follow-up.due`
 * alerts at their time), a mobile responder's attendance, and call scripts with their answers.
 */

/** The alert kind a follow-up is raised as, when its time comes (alert-kinds.ts). */
export const FOLLOW_UP_KIND = 'follow-up.due'

const MINUTE_MS = 60_000
/** How far ahead a follow-up may be set: at least a minute, at most a week. */
export const FOLLOW_UP_MIN_MS = MINUTE_MS
export const FOLLOW_UP_MAX_MS = 7 * 24 * 60 * MINUTE_MS

export const FollowUpBodySchema = z
  .strictObject({
    inMinutes: z
      .number()
      .int('whole minutes')
      .min(1, 'at least 1 minute ahead')
      .max(FOLLOW_UP_MAX_MS / MINUTE_MS, 'at most 7 days ahead')
      .optional(),
    dueAt: z.iso.datetime({ offset: true, message: 'an ISO 8601 time such as 2026-03-01T14:30:00Z' }).optional(),
    note: z.string().trim().min(1, 'say what to check').max(500),
  })
  .refine((b) => (b.inMinutes === undefined) !== (b.dueAt === undefined), { message: 'give inMinutes or dueAt, one of them', path: ['inMinutes'] })
export type FollowUpBody = z.infer<typeof FollowUpBodySchema>

type FollowUpStatus = 'pending' | 'raised' | 'cancelled'

export interface FollowUp {
  id: string
  /** The alert it follows up. */
  alertId: string
  personId: string
  dueAt: string
  note: string
  status: FollowUpStatus
  createdAt: string
  createdBy: string
  /** The `follow-up.due` alert it raised, once due. */
  raisedAlertId: string | null
  cancelledAt: string | null
  cancelledBy: string | null
}

const ATTENDANCE_EVENTS = ['arrived', 'cleared'] as const
export type AttendanceEvent = (typeof ATTENDANCE_EVENTS)[number]

export const AttendanceBodySchema = z.strictObject({
  event: z.enum(ATTENDANCE_EVENTS, { message: `one of ${ATTENDANCE_EVENTS.join(', ')}` }),
  /** The mobile responder, when it is not the user recording it. */
  by: z.string().trim().min(1).max(128).optional(),
  note: z.string().trim().max(2000).optional(),
})

export interface Attendance {
  id: string
  alertId: string
  personId: string
  event: AttendanceEvent
  /** The responder who attended. */
  responder: string
  note: string | null
  at: string
  recordedBy: string
}

/** How many questions one script holds, and how long each may be. */
const MAX_SCRIPT_QUESTIONS = 12
const MAX_QUESTION_LENGTH = 200

const QuestionSchema = z.string().trim().min(1, 'a question').max(MAX_QUESTION_LENGTH, `at most ${MAX_QUESTION_LENGTH} characters`)

export const PutCallScriptBodySchema = z.strictObject({
  questions: z.array(QuestionSchema).min(1, 'at least one question').max(MAX_SCRIPT_QUESTIONS, `at most ${MAX_SCRIPT_QUESTIONS} questions`),
  reason: z.string().trim().min(1, 'say why').max(500),
})

export interface CallScript {
  kind: string
  questions: string[]
  /** 0: the script shipped with Hearth, never edited. */
  version: number
  changedAt: string | null
  changedBy: string | null
  reason: string | null
}

export const ScriptAnswersBodySchema = z.strictObject({
  answers: z
    .array(z.strictObject({ question: QuestionSchema, answer: z.string().trim().min(1, 'the answer given').max(1000) }))
    .min(1, 'at least one answer')
    .max(MAX_SCRIPT_QUESTIONS * 2),
})

/** The scripts Hearth ships, by alert kind: what a responder asks first. */
export const DEFAULT_CALL_SCRIPTS: Readonly<Record<string, readonly string[]>> = {
  'alarm.pressed': ['Hello, this is Hearth: you pressed your alarm. Are you all right?', 'Are you hurt?', 'Do you need someone to come to you?'],
  'fall.detected': ['Are you hurt?', 'Can you get up?', 'Are you warm?'],
  'smoke.detected': ['Is there a fire, or can you smell smoke?', 'Can you get out of the house now?', 'Is anyone else in the house?'],
  'co.detected': ['Do you feel dizzy, sick or have a headache?', 'Can you open a window and go outside?', 'Is anyone else in the house?'],
  'heat.detected': ['Is there a fire or something burning?', 'Can you get out of the house now?', 'Is anyone else in the house?'],
  inactivity: ['We have not seen any movement for a while: are you all right?', 'Have you fallen or are you unwell?', 'Have you eaten and had a drink today?'],
  'device.offline': ['One of your Hearth devices has stopped talking to us: is it plugged in and switched on?', 'Has there been a power cut?'],
}
