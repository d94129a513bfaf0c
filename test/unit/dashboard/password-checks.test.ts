import { describe, expect, it } from 'vitest'
import { PasswordChecks, type Admission } from '../../../dashboard/password-checks.js'

type Turn = Extract<Admission, { admitted: Promise<void> }>

function turn(admission: Admission): Turn {
  if ('refused' in admission) throw new Error(`refused: ${admission.refused}`)
  return admission
}

/** Whether the turn has started, after the promises due have run. */
async function started(t: Turn): Promise<boolean> {
  let done = false
  void t.admitted.then(() => (done = true))
  await new Promise((resolve) => setImmediate(resolve))
  return done
}

describe('password checks at once', () => {
  it('runs a few at once, queues a few more in order, and refuses the rest at once', async () => {
    const checks = new PasswordChecks({ running: 2, waiting: 2, perAddress: 5 })
    const a = turn(checks.admit('198.51.100.1'))
    const b = turn(checks.admit('198.51.100.2'))
    const c = turn(checks.admit('198.51.100.3'))
    const d = turn(checks.admit('198.51.100.4'))
    expect(await started(a)).toBe(true)
    expect(await started(b)).toBe(true)
    expect(await started(c)).toBe(false)
    expect(checks.admit('198.51.100.5')).toEqual({ refused: 'everyone' })
    a.leave()
    expect(await started(c)).toBe(true)
    expect(await started(d)).toBe(false)
    // A newcomer does not pass the one waiting: the freed turn went straight to it.
    const e = turn(checks.admit('198.51.100.5'))
    b.leave()
    expect(await started(d)).toBe(true)
    expect(await started(e)).toBe(false)
    c.leave()
    d.leave()
    expect(await started(e)).toBe(true)
    e.leave()
    // All turns given back: two run at once again.
    expect(await started(turn(checks.admit('198.51.100.6')))).toBe(true)
    expect(await started(turn(checks.admit('198.51.100.7')))).toBe(true)
  })

  it('lets one address hold only a few turns, so that its flood does not queue in front of others', async () => {
    const checks = new PasswordChecks({ running: 2, waiting: 8, perAddress: 2 })
    const flood = [turn(checks.admit('203.0.113.9')), turn(checks.admit('203.0.113.9'))]
    for (let i = 0; i < 62; i++) expect(checks.admit('203.0.113.9')).toEqual({ refused: 'this-address' })
    const real = turn(checks.admit('192.0.2.1'))
    flood[0]?.leave()
    expect(await started(real)).toBe(true)
    // Its turns given back, the address may try again; leaving twice gives back one turn only.
    flood[0]?.leave()
    const again = turn(checks.admit('203.0.113.9'))
    expect(checks.admit('203.0.113.9')).toEqual({ refused: 'this-address' })
    flood[1]?.leave()
    expect(await started(again)).toBe(true)
  })
})
