import { z } from 'zod'
import { BASES, ORGANISATION_KINDS, ROLES, SCOPES } from './circle-values.js'

/** PROTOCOL §2b request bodies for organisations and circles of care. */

const OrganisationKindSchema = z.enum(ORGANISATION_KINDS)
export const RoleSchema = z.enum(ROLES)
const ScopeSchema = z.enum(SCOPES)
const BasisSchema = z.enum(BASES)

export const CreateOrganisationBodySchema = z.strictObject({
  name: z.string().trim().min(1).max(128),
  kind: OrganisationKindSchema,
})

const dateTime = z.iso.datetime({ offset: true })

const ProxySchema = z.strictObject({
  name: z.string().trim().min(1).max(128),
  authority: z.enum(['lasting-power-of-attorney', 'deputy', 'guardian', 'other']),
})

export const AddMemberBodySchema = z
  .strictObject({
    organisationId: z.string().min(1).max(64).optional(),
    userId: z.string().min(1).max(64).optional(),
    relationship: z.string().trim().min(1).max(128),
    scopes: z.array(ScopeSchema).min(1).max(SCOPES.length),
    basis: BasisSchema,
    proxy: ProxySchema.optional(),
    from: dateTime.optional(),
    to: dateTime.optional(),
  })
  .refine((b) => (b.organisationId === undefined) !== (b.userId === undefined), {
    message: 'name exactly one of organisationId or userId',
    path: ['organisationId'],
  })
  .refine((b) => b.from === undefined || b.to === undefined || Date.parse(b.to) > Date.parse(b.from), {
    message: 'must be after from',
    path: ['to'],
  })

export const WithdrawConsentBodySchema = z.strictObject({
  reason: z.string().trim().max(512).optional(),
})

export const BreakGlassBodySchema = z.strictObject({
  reason: z.string().trim().min(10, 'say why, in at least 10 characters').max(512),
})

export const PersonNoteBodySchema = z.strictObject({
  text: z.string().trim().min(1, 'write something').max(4000),
})
