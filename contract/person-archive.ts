import { z } from 'zod'

/** Why a person is archived (moved away, into a care home, died): kept with the record and shown on it. */
export const ArchivePersonBodySchema = z.strictObject({
  reason: z.string().trim().min(3, 'say why, in a few words').max(500),
})

/** Bringing an archived person back; why is recorded when given. */
export const UnarchivePersonBodySchema = z.strictObject({
  reason: z.string().trim().min(1).max(500).optional(),
})

/** GET /api/persons: `q` filters by name; `include=archived` lists archived people too. */
export const PersonListQuerySchema = z.object({
  q: z.string().max(128).optional(),
  include: z.enum(['archived']).optional(),
})
