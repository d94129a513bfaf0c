import { describe, expect, it } from 'vitest'
import { activeHoursInForce, availableAt, isFamily, nextStepIndex, type ResponseStep } from '../../../contract/index.js'

const at = (iso: string): number => Date.parse(iso)
const alarm = { kind: 'alarm.pressed', priority: 'emergency' as const, status: 'raised' }
const step = (name: string, extra: Partial<ResponseStep> = {}): ResponseStep => ({ name, relationship: 'friend', phone: '07700 900100', ...extra })

describe('response plan decisions', () => {
  it('reads availability in the person’s own time zone, a window past midnight belonging to the day it starts', () => {
    const nights = step('night owl', { availability: [{ days: ['fri'], from: '22:00', to: '02:00' }] })
    // Friday 23:30 and Saturday 01:30 in London (BST in June): inside; Saturday 22:30 and Friday 01:30: outside.
    expect(availableAt(nights, at('2026-06-19T22:30:00Z'), 'Europe/London')).toBe(true)
    expect(availableAt(nights, at('2026-06-20T00:30:00Z'), 'Europe/London')).toBe(true)
    expect(availableAt(nights, at('2026-06-20T21:30:00Z'), 'Europe/London')).toBe(false)
    expect(availableAt(nights, at('2026-06-19T00:30:00Z'), 'Europe/London')).toBe(false)
    // The same instant is Saturday morning in Auckland.
    expect(availableAt(step('kiwi', { availability: [{ days: ['sat'], from: '09:00', to: '12:00' }] }), at('2026-06-19T22:30:00Z'), 'Pacific/Auckland')).toBe(true)
    expect(availableAt(step('any time'), at('2026-06-19T03:00:00Z'), 'Europe/London')).toBe(true)
  })

  it('names the first step for this alert that can be called now and has not failed, and none once someone is coming', () => {
    const steps = [step('away at weekends', { availability: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '08:00', to: '20:00' }] }), step('for inactivity', { alertKinds: ['inactivity'] }), step('for emergencies', { alertKinds: ['emergency'] }), step('anyone')]
    const saturday = at('2026-06-20T10:00:00Z')
    const wednesday = at('2026-06-17T10:00:00Z')
    expect(nextStepIndex(steps, [], alarm, wednesday, 'Europe/London')).toBe(0)
    expect(nextStepIndex(steps, [], alarm, saturday, 'Europe/London')).toBe(2)
    expect(nextStepIndex(steps, [], { ...alarm, kind: 'inactivity', priority: 'urgent' }, saturday, 'Europe/London')).toBe(1)
    const call = (s: number, outcome: 'no-answer' | 'declined' | 'will-attend', minute: number) => ({ step: s, outcome, at: `2026-06-17T10:0${minute}:00.000Z` })
    expect(nextStepIndex(steps, [call(0, 'no-answer', 1), call(2, 'declined', 2)], alarm, wednesday, 'Europe/London')).toBe(3)
    expect(nextStepIndex(steps, [call(0, 'no-answer', 1), call(2, 'will-attend', 2)], alarm, wednesday, 'Europe/London')).toBeUndefined()
    // Called back and now declining: the cascade goes on.
    expect(nextStepIndex(steps, [call(0, 'will-attend', 1), call(0, 'declined', 2)], alarm, wednesday, 'Europe/London')).toBe(2)
    expect(nextStepIndex(steps, [], { ...alarm, status: 'resolved' }, wednesday, 'Europe/London')).toBeUndefined()
  })

  it('takes family from the relationship unless the step says', () => {
    expect(isFamily({ relationship: 'Daughter in law' })).toBe(true)
    expect(isFamily({ relationship: 'neighbour' })).toBe(false)
    expect(isFamily({ relationship: 'goddaughter', family: true })).toBe(true)
    expect(isFamily({ relationship: 'son', family: false })).toBe(false)
  })

  it('sets active hours by a clinician’s setting, then the routine, then the clinic default', () => {
    const settings = { activeHours: { from: '07:00', to: '22:00' } }
    expect(activeHoursInForce(settings, true, { wake: '09:00', sleep: '23:00' })).toEqual({ from: '07:00', to: '22:00', source: 'care-settings' })
    expect(activeHoursInForce(settings, false, { wake: '09:00', sleep: '23:00' })).toEqual({ from: '09:00', to: '23:00', source: 'routine' })
    expect(activeHoursInForce(settings, false, null)).toEqual({ from: '07:00', to: '22:00', source: 'default' })
  })
})
