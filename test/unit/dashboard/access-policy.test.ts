import { describe, expect, it } from 'vitest'
import { can } from '../../../dashboard/access-policy.js'

const as = (...roles: Array<'admin' | 'supervisor' | 'responder' | 'clinician'>) => ({ id: 'u', username: 'u', displayName: 'u', roles })

describe('access policy', () => {
  it('denies everything to nobody', () => {
    expect(can(undefined, 'alerts:read')).toBe(false)
  })

  it('lets responders act on alerts but not manage users or provision devices', () => {
    expect(can(as('responder'), 'alerts:act')).toBe(true)
    expect(can(as('responder'), 'users:manage')).toBe(false)
    expect(can(as('responder'), 'devices:provision')).toBe(false)
  })

  it('lets clinicians read readings but not act on alerts', () => {
    expect(can(as('clinician'), 'readings:read')).toBe(true)
    expect(can(as('clinician'), 'alerts:act')).toBe(false)
  })

  it('lets only clinicians and admins change care settings, while everyone on duty reads them and plans absences', () => {
    expect(can(as('clinician'), 'care:write')).toBe(true)
    expect(can(as('admin'), 'care:write')).toBe(true)
    expect(can(as('supervisor'), 'care:write')).toBe(false)
    expect(can(as('responder'), 'care:write')).toBe(false)
    for (const role of ['admin', 'supervisor', 'responder', 'clinician'] as const) {
      expect(can(as(role), 'care:read')).toBe(true)
      expect(can(as(role), 'absences:write')).toBe(true)
    }
  })
})
