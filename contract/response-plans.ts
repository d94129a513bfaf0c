import { z } from 'zod'
import { alertKind } from './alert-kinds.js'
import { LocalTimeSchema } from './care-settings.js'
import { CALL_OUTCOMES, WEEKDAYS, isPriority } from './response-plan-values.js'

/** PROTOCOL §2c: `PUT /api/persons/{id}/response-plan` and `POST /api/alerts/{id}/calls`. */

/** The most steps one plan holds: a cascade longer than this is not called in an emergency. */
const MAX_PLAN_STEPS = 12

const AvailabilityWindowSchema = z
  .strictObject({
    days: z
      .array(z.enum(WEEKDAYS, { message: `a day: ${WEEKDAYS.join(', ')}` }))
      .min(1, 'name at least one day')
      .refine((days) => new Set(days).size === days.length, 'a day appears twice'),
    from: LocalTimeSchema,
    to: LocalTimeSchema,
  })
  .refine((w) => w.from !== w.to, { message: 'from and to must differ (a window past midnight ends earlier than it starts)', path: ['to'] })

const AlertKindOrPrioritySchema = z
  .string()
  .refine((k) => isPriority(k) || alertKind(k) !== undefined, 'not an alert kind (GET /api/alerts/kinds) or a priority (emergency, urgent, warning, technical)')

const ResponseStepSchema = z.strictObject({
  name: z.string().trim().min(1, 'who to call').max(128),
  relationship: z.string().trim().min(1, 'say who they are to the person: daughter, neighbour').max(64),
  phone: z
    .string()
    .trim()
    .regex(/^\+?[0-9][0-9 ()-]{2,30}$/, 'a phone number such as 07700 900123 or +44 7700 900123'),
  email: z.email('an email address').max(254).optional(),
  family: z.boolean().optional(),
  availability: z.array(AvailabilityWindowSchema).min(1, 'leave it out when they can be called at any time').max(14).optional(),
  alertKinds: z.array(AlertKindOrPrioritySchema).min(1, 'leave it out when the step is for every alert').max(50).optional(),
})

export const PutResponsePlanBodySchema = z.strictObject({
  steps: z.array(ResponseStepSchema).max(MAX_PLAN_STEPS, `at most ${MAX_PLAN_STEPS} steps`),
  reason: z.string().trim().min(1, 'say why').max(500),
})

export const LogCallBodySchema = z
  .strictObject({
    step: z.number().int('the index of a step in the plan').min(0, 'the index of a step in the plan, from 0'),
    outcome: z.enum(CALL_OUTCOMES, { message: `one of ${CALL_OUTCOMES.join(', ')}` }),
    etaMinutes: z.number().int('whole minutes').min(0, 'at least 0').max(1440, 'at most 1440 (a day)').optional(),
    note: z.string().trim().max(2000).optional(),
  })
  .refine((b) => b.etaMinutes === undefined || b.outcome === 'will-attend', { message: 'only with outcome will-attend', path: ['etaMinutes'] })
