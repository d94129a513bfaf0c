import { describe, expect, it } from 'vitest'
import { parseDeviceEvent, parseDeviceStatus } from '../../../contract/index.js'

describe('parseDeviceEvent', () => {
  it('accepts the PROTOCOL example', () => {
    const verdict = parseDeviceEvent('{"id": "e-000123", "type": "alarm.pressed", "ts": 1763800000.5, "data": {}}')
    expect(verdict).toEqual({ ok: true, event: { id: 'e-000123', type: 'alarm.pressed', ts: 1763800000.5, data: {} }, notices: [] })
  })

  it('defaults data to an empty object', () => {
    const verdict = parseDeviceEvent('{"id":"e-1","type":"test"}')
    expect(verdict.ok && verdict.event.data).toEqual({})
  })

  it('keeps an alarm with an unknown field and reports the field as a notice', () => {
    const verdict = parseDeviceEvent('{"id":"e-2","type":"alarm.pressed","seq":7}')
    expect(verdict).toMatchObject({ ok: true, notices: ['ignored unknown field "seq"'] })
  })

  it('refuses an unknown type, a missing id and a fall confidence out of range, naming each field', () => {
    const unknownType = parseDeviceEvent('{"id":"e-3","type":"alarm.exploded"}')
    expect(unknownType.ok).toBe(false)
    expect(!unknownType.ok && unknownType.problems[0]?.field).toBe('type')
    const noId = parseDeviceEvent('{"type":"alarm.pressed"}')
    expect(!noId.ok && noId.problems.map((p) => p.field)).toEqual(['id'])
    const badConfidence = parseDeviceEvent('{"id":"e-4","type":"fall.detected","data":{"confidence":1.5}}')
    expect(!badConfidence.ok && badConfidence.problems.map((p) => p.field)).toEqual(['data.confidence'])
  })

  it('refuses data nested deeper than it can keep, however small the payload', () => {
    const deep = `{"id":"e-5","type":"alarm.pressed","data":{"x":${'['.repeat(5000)}${']'.repeat(5000)}}}`
    const verdict = parseDeviceEvent(deep)
    expect(!verdict.ok && verdict.problems.map((p) => p.field)).toEqual(['data'])
    expect(parseDeviceEvent('{"id":"e-6","type":"motion","data":{"room":"hall","extra":{"a":{"b":1}}}}').ok).toBe(true)
  })

  it('refuses malformed JSON with the parser message', () => {
    const verdict = parseDeviceEvent('{"id":')
    expect(!verdict.ok && verdict.problems[0]?.message).toMatch(/^payload is not JSON/)
  })
})

describe('parseDeviceStatus', () => {
  it('requires online and bounds battery to 0..1', () => {
    expect(parseDeviceStatus('{"online":true,"battery":0.82,"signal":-61,"firmware":"1.4.2","ts":1763800000.5}').ok).toBe(true)
    expect(parseDeviceStatus('{"battery":0.5}').ok).toBe(false)
    expect(parseDeviceStatus('{"online":true,"battery":82}').ok).toBe(false)
  })
})
