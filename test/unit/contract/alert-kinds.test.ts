import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { ALERT_KINDS, METRIC_NAMES, PRIORITIES, alertKind, alertKindLabel, answerClockApplies, parseDeviceEvent } from '../../../contract/index.js'

describe('alert kinds', () => {
  it('lists each kind once, each with a known priority and a label', () => {
    const kinds = ALERT_KINDS.map((k) => k.kind)
    expect(new Set(kinds).size).toBe(kinds.length)
    for (const spec of ALERT_KINDS) {
      expect(PRIORITIES, spec.kind).toContain(spec.priority)
      expect(spec.label.length, spec.kind).toBeGreaterThan(0)
    }
    expect(kinds).toEqual(expect.arrayContaining(METRIC_NAMES.map((m) => `threshold.${m}`)))
  })

  it('gives every call about a person the 60 s answer clock, and no technical alert about the equipment or Hearth', () => {
    const withoutClock = ALERT_KINDS.filter((k) => !k.answerClock).map((k) => k.kind)
    expect(withoutClock.sort()).toEqual(['device.battery-low', 'device.event-flood', 'device.offline', 'rule.error'])
    expect(ALERT_KINDS.filter((k) => k.priority === 'technical').map((k) => k.kind).sort()).toEqual(withoutClock)
    expect(['alarm.pressed', 'fall.detected', 'medication.missed', 'inactivity', 'night.door-exit', 'threshold.spo2', 'news2'].map(answerClockApplies)).toEqual([true, true, true, true, true, true, true])
  })

  it('says what raised an alert in words, a threshold by its metric, and a kind this version does not know as it is (with a clock)', () => {
    expect(alertKindLabel('co.detected')).toBe('Carbon monoxide detected')
    expect(alertKindLabel('threshold.heart_rate')).toBe('Pulse out of range')
    expect(alertKindLabel('night.bed-exit')).toBe('Out of bed at night')
    expect(alertKindLabel('something.new')).toBe('something.new')
    expect(alertKind('something.new')).toBeUndefined()
    expect(answerClockApplies('something.new')).toBe(true)
  })

  it('raises the PROTOCOL §2 priorities: emergencies for calls for help and hazards, a warning for a missed dose', () => {
    const priorityOf = (kind: string): string | undefined => alertKind(kind)?.priority
    expect(['alarm.pressed', 'fall.detected', 'smoke.detected', 'co.detected', 'heat.detected', 'flood.detected'].map(priorityOf)).toEqual(Array(6).fill('emergency'))
    expect(priorityOf('medication.missed')).toBe('warning')
  })

  it('names each kind a device raises by a PROTOCOL §1 event type', () => {
    for (const { kind } of ALERT_KINDS.filter((k) => k.raisedBy === 'device')) expect(parseDeviceEvent(JSON.stringify({ id: 'e-1', type: kind })).ok, kind).toBe(true)
  })

  it('is plain values the browser bundle can import: no zod, no node: modules', () => {
    for (const file of ['contract/alert-kinds.ts', 'contract/alert-values.ts', 'contract/metrics.ts']) {
      const imports = [...readFileSync(file, 'utf8').matchAll(/^import .* from '([^']+)'/gm)].map((m) => m[1])
      expect(imports.filter((from) => from === 'zod' || from?.startsWith('node:')), file).toEqual([])
    }
  })
})
