import { describe, expect, it } from 'vitest'
import { SCOPES, type CircleMembership, type Role, type Scope } from '../../../contract/index.js'
import { can, type Principal } from '../../../dashboard/access-policy.js'
import { decideAccess, roleCeiling } from '../../../dashboard/circle-access.js'

const as = (roles: Role[], organisationId = 'o-1', personId: string | null = null): Principal => ({
  id: 'u-1',
  username: 'u',
  displayName: 'U',
  roles,
  organisationId,
  personId,
})

const member = (m: Partial<CircleMembership>): CircleMembership => ({
  id: 'm-1',
  personId: 'p-1',
  organisationId: 'o-1',
  organisationName: 'Org',
  organisationKind: 'telecare',
  userId: null,
  userDisplayName: null,
  relationship: 'monitoring service',
  scopes: [...SCOPES],
  basis: 'direct-care',
  proxy: null,
  from: '2026-01-01T00:00:00.000Z',
  to: null,
  endedAt: null,
  endedBy: null,
  endReason: null,
  active: true,
  createdBy: 'admin',
  createdAt: '2026-01-01T00:00:00.000Z',
  ...m,
})

describe('access policy: what each role may do at all', () => {
  it('denies everything to nobody', () => {
    expect(can(undefined, 'alerts:read')).toBe(false)
  })

  it('lets responders act on alerts but not manage users or provision devices', () => {
    expect(can(as(['responder']), 'alerts:act')).toBe(true)
    expect(can(as(['responder']), 'users:manage')).toBe(false)
    expect(can(as(['responder']), 'devices:provision')).toBe(false)
  })

  it('lets only clinicians and admins change care settings', () => {
    expect(can(as(['clinician']), 'care:write')).toBe(true)
    expect(can(as(['admin']), 'care:write')).toBe(true)
    expect(can(as(['supervisor']), 'care:write')).toBe(false)
    expect(can(as(['family-carer']), 'care:write')).toBe(false)
  })

  it('lets organisation admins manage users but only the platform admin manage organisations and verify the audit log', () => {
    expect(can(as(['org-admin']), 'users:manage')).toBe(true)
    expect(can(as(['org-admin']), 'organisations:manage')).toBe(false)
    expect(can(as(['admin']), 'organisations:manage')).toBe(true)
    expect(can(as(['supervisor']), 'audit:verify')).toBe(false)
  })

  it('offers emergency access to responders and clinicians, never to family or volunteers', () => {
    expect(can(as(['responder']), 'break-glass')).toBe(true)
    expect(can(as(['clinician']), 'break-glass')).toBe(true)
    expect(can(as(['family-carer']), 'break-glass')).toBe(false)
    expect(can(as(['volunteer']), 'break-glass')).toBe(false)
  })
})

describe('circle access: a role alone grants nothing about a person', () => {
  it('gives nobody outside the circle anything, whatever their roles', () => {
    for (const roles of [['admin'], ['supervisor'], ['responder'], ['clinician']] as Role[][]) {
      expect(decideAccess(as(roles), 'p-1', [], undefined)).toBeUndefined()
    }
  })

  it("narrows a membership's scopes to what the role may ever see", () => {
    const all = [member({ scopes: [...SCOPES] })]
    const cases: Array<[Role, Scope[]]> = [
      ['volunteer', ['alerts', 'timeline', 'notes:write']],
      ['housing-officer', ['alerts', 'contacts', 'access-details', 'timeline', 'notes:write']],
      ['clinician', ['alerts', 'vitals', 'medical-notes', 'care-settings', 'contacts', 'timeline', 'notes:write', 'absences:write']],
      ['family-carer', ['alerts', 'vitals', 'care-settings', 'contacts', 'timeline', 'notes:write', 'absences:write']],
      ['responder', [...SCOPES]],
    ]
    for (const [role, scopes] of cases) expect(decideAccess(as([role]), 'p-1', all, undefined)?.scopes).toEqual(scopes)
  })

  it("gives no more than the membership grants, whatever the role", () => {
    const access = decideAccess(as(['clinician']), 'p-1', [member({ scopes: ['timeline', 'notes:write'], basis: 'consent' })], undefined)
    expect(access).toMatchObject({ scopes: ['timeline', 'notes:write'], basis: 'consent', circleAdmin: false, canActOnAlerts: false, canEditCareSettings: false })
  })

  it("makes the monitoring organisation's supervisors circle admins, and nobody from a consent-based member", () => {
    expect(decideAccess(as(['supervisor']), 'p-1', [member({})], undefined)?.circleAdmin).toBe(true)
    expect(decideAccess(as(['org-admin'], 'o-2'), 'p-1', [member({ organisationId: 'o-2', basis: 'consent' })], undefined)?.circleAdmin).toBe(false)
    expect(decideAccess(as(['responder']), 'p-1', [member({})], undefined)?.circleAdmin).toBe(false)
  })

  it('lets the person see all of their own record, but act on no alert', () => {
    const access = decideAccess(as(['person'], 'o-9', 'p-1'), 'p-1', [], undefined)
    expect(access).toMatchObject({ scopes: [...SCOPES], basis: 'self', canActOnAlerts: false })
    expect(decideAccess(as(['person'], 'o-9', 'p-1'), 'p-2', [], undefined)).toBeUndefined()
  })

  it('grants the role its scopes for the time of emergency access, marked as such', () => {
    const access = decideAccess(as(['responder'], 'o-2'), 'p-1', [], { id: 'bg-1', reason: 'fall, no answer', expiresAtMs: Date.parse('2026-01-01T01:00:00Z') })
    expect(access).toMatchObject({
      basis: 'break-glass',
      circleAdmin: false,
      canActOnAlerts: true,
      breakGlass: { id: 'bg-1', reason: 'fall, no answer', expiresAt: '2026-01-01T01:00:00.000Z' },
    })
    expect(access?.scopes).toEqual(roleCeiling(as(['responder'])))
  })

  it('takes the strongest basis when several memberships reach the user', () => {
    const both = [member({ basis: 'consent', scopes: ['vitals'] }), member({ id: 'm-2', basis: 'proxy-consent', scopes: ['timeline'] })]
    expect(decideAccess(as(['clinician']), 'p-1', both, undefined)).toMatchObject({ basis: 'proxy-consent', scopes: ['vitals', 'timeline'] })
  })
})
