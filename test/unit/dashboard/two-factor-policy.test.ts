import { describe, expect, it } from 'vitest'
import type { Role } from '../../../contract/index.js'
import { createTwoFactorPolicy } from '../../../dashboard/two-factor-policy.js'
import { stepOfCode } from '../../../dashboard/totp.js'
import { looksLikeRecoveryCode, normaliseRecoveryCode } from '../../../dashboard/recovery-codes.js'

const DAY = 86_400_000
const T0 = Date.parse('2026-11-20T09:00:00Z')
const GRACE = 7 * DAY

describe('two-factor policy: who must, and by when', () => {
  const lookups: string[] = []
  const policy = createTwoFactorPolicy(
    {
      standingOf: (userId) => {
        lookups.push(userId)
        return { enabled: false, graceFromMs: T0 }
      },
    },
    GRACE,
  )
  const user = (roles: Role[], twoFactorEnabled = false) => ({ id: `u-${roles.join('-')}`, roles, twoFactorEnabled })

  it('requires it of admins, organisation admins and supervisors, up to the last millisecond of the grace', () => {
    for (const role of ['admin', 'org-admin', 'supervisor'] as const) {
      expect(policy(user([role]), T0 + GRACE - 1)).toEqual({ enabled: false, required: true, enrolBy: new Date(T0 + GRACE).toISOString(), mustEnrol: false })
      expect(policy(user([role]), T0 + GRACE).mustEnrol).toBe(true)
    }
    expect(policy(user(['responder', 'supervisor']), T0 + GRACE).mustEnrol).toBe(true)
  })

  it('asks nothing of the other roles, nor of anyone who has it on, without reading the store', () => {
    lookups.length = 0
    for (const role of ['responder', 'clinician', 'social-worker', 'housing-officer', 'volunteer', 'family-carer', 'person'] as const) {
      expect(policy(user([role]), T0 + 100 * DAY)).toEqual({ enabled: false, required: false, enrolBy: null, mustEnrol: false })
    }
    expect(policy(user(['admin'], true), T0 + 100 * DAY)).toEqual({ enabled: true, required: true, enrolBy: null, mustEnrol: false })
    expect(lookups).toEqual([])
  })

  it('with no grace (0 days), asks at once', () => {
    const atOnce = createTwoFactorPolicy({ standingOf: () => ({ enabled: false, graceFromMs: T0 }) }, 0)
    expect(atOnce(user(['supervisor']), T0).mustEnrol).toBe(true)
  })
})

describe('codes as typed', () => {
  // RFC 6238 appendix B: the SHA-1 secret "12345678901234567890", at 59 s, gives 94287082 (its last 6 digits: 287082).
  const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'

  it('takes the current code of RFC 6238 and one step either side, and gives its time step', () => {
    expect(stepOfCode(RFC_SECRET, '287082', 59_000)).toBe(1)
    expect(stepOfCode(RFC_SECRET, '287082', 59_000 + 30_000)).toBe(1)
    expect(stepOfCode(RFC_SECRET, '287082', 59_000 + 60_000)).toBeUndefined()
    expect(stepOfCode(RFC_SECRET, '28708', 59_000)).toBeUndefined()
  })

  it('reads recovery codes in any case, with or without dashes and spaces, the look-alike letters as digits', () => {
    expect(normaliseRecoveryCode(' AB1C-D2EF-G3HJ ')).toBe('ab1cd2efg3hj')
    expect(normaliseRecoveryCode('abIc-d2eF-g3hO')).toBe('ab1cd2efg3h0')
    expect(looksLikeRecoveryCode('ab1cd2efg3hj')).toBe(true)
    expect(looksLikeRecoveryCode('ab1cd2efg3h')).toBe(false)
    expect(looksLikeRecoveryCode('ab1cd2efg3hu')).toBe(false)
  })
})
