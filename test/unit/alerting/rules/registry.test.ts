import { describe, expect, it } from 'vitest'
import { FILTERS, RULES } from '../../../../alerting/rules/registry.js'
import { watches } from '../../../../alerting/rules/rule.js'
import { ALERT_KINDS, alertKind } from '../../../../contract/index.js'

describe('rule registry', () => {
  it('holds each rule once, by a name of its own', () => {
    const ids = RULES.map((r) => r.id)
    expect(new Set(ids).size).toBe(ids.length)
    expect(ids).toEqual(['device.offline', 'device.battery-low', 'threshold', 'news2', 'inactivity', 'night.door-exit', 'night.bed-exit'])
  })

  it('has every kind a rule raises in the alert kind list, and every kind the list says a rule raises raised by exactly one rule', () => {
    const raised = RULES.flatMap((r) => r.kinds)
    for (const kind of raised) expect(alertKind(kind)?.raisedBy, kind).toBe('rule')
    expect(raised.sort()).toEqual(ALERT_KINDS.filter((k) => k.raisedBy === 'rule').map((k) => k.kind).sort())
  })

  it('says what each rule watches: its handlers', () => {
    const watched = Object.fromEntries(RULES.map((r) => [r.id, (['readings', 'events', 'status', 'ticks'] as const).filter((w) => watches(r, w))]))
    expect(watched).toEqual({
      'device.offline': ['readings', 'events', 'status', 'ticks'],
      'device.battery-low': ['status'],
      threshold: ['readings'],
      news2: ['readings'],
      inactivity: ['events', 'ticks'],
      'night.door-exit': ['events', 'ticks'],
      'night.bed-exit': ['events', 'ticks'],
    })
    expect(RULES.filter((r) => r.save !== undefined).map((r) => r.id)).toEqual(['threshold', 'night.door-exit', 'night.bed-exit'])
  })

  it('filters only kinds the list knows: the planned absence', () => {
    expect(FILTERS.map((f) => f.id)).toEqual(['planned-absence'])
    for (const kind of FILTERS.flatMap((f) => f.kinds)) expect(alertKind(kind), kind).toBeDefined()
  })
})
