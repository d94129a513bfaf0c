import { z } from 'zod'
import { LocalTimeSchema } from './care-settings.js'
import type { Wishes } from './wishes-values.js'

/** PROTOCOL §2c: `PUT /api/persons/{id}/wishes`, a new version of what matters to the person. */

const RoutineSchema = z
  .strictObject({ wake: LocalTimeSchema, sleep: LocalTimeSchema })
  .refine((r) => r.wake !== r.sleep, { message: 'wake and sleep must differ', path: ['sleep'] })

const line = (what: string) => z.string().trim().min(1, `an empty ${what}`).max(500, 'at most 500 characters')
const optionalText = (max: number) => z.string().trim().max(max, `at most ${max} characters`).nullish()

export const PutWishesBodySchema = z
  .strictObject({
    preferredName: optionalText(80),
    /** Hearth extensions (PROTOCOL §2c: more fields are welcome). */
    preferredLanguage: optionalText(64),
    goals: z.array(line('goal')).max(20, 'at most 20 goals').default([]),
    communicationNeeds: z.array(line('need')).max(20, 'at most 20 needs').default([]),
    routine: RoutineSchema.nullish(),
    contactPreferences: optionalText(1000),
    shareAlarmsWithFamily: z.boolean().default(false),
    reason: z.string().trim().min(1, 'say why').max(500),
  })
  .transform(({ reason, ...w }): { wishes: Wishes; reason: string } => ({
    reason,
    wishes: {
      preferredName: w.preferredName || null,
      preferredLanguage: w.preferredLanguage || null,
      goals: w.goals,
      communicationNeeds: w.communicationNeeds,
      routine: w.routine ?? null,
      contactPreferences: w.contactPreferences || null,
      shareAlarmsWithFamily: w.shareAlarmsWithFamily,
    },
  }))
