import { describe, expect, it } from 'vitest'
import { MAX_DEVICE_PAYLOAD_BYTES, judgeSenmlPack } from '../../../contract/index.js'

const NOW_MS = 1_763_800_100_000

describe('judgeSenmlPack', () => {
  it('accepts the PROTOCOL example with base time, relative offsets and units', () => {
    const verdict = judgeSenmlPack(
      JSON.stringify([
        { bn: 'urn:dev:hearth:wrist-0042:', bt: 1763800000, n: 'heart_rate', u: 'beat/min', v: 72 },
        { n: 'spo2', u: '%', v: 97 },
        { n: 'body_temperature', u: 'Cel', v: 36.9, t: 30 },
      ]),
      NOW_MS,
    )
    expect(verdict.refusals).toEqual([])
    expect(verdict.readings).toEqual([
      { metric: 'heart_rate', value: 72, atMs: 1_763_800_000_000 },
      { metric: 'spo2', value: 97, atMs: 1_763_800_000_000 },
      { metric: 'body_temperature', value: 36.9, atMs: 1_763_800_030_000 },
    ])
  })

  it('treats times below 2^28 as relative to receipt and a missing time as the moment of receipt', () => {
    const verdict = judgeSenmlPack(JSON.stringify([{ n: 'heart_rate', u: 'beat/min', v: 70, t: -10 }, { n: 'steps', u: 'count', v: 12 }]), NOW_MS)
    expect(verdict.readings.map((r) => r.atMs)).toEqual([NOW_MS - 10_000, NOW_MS])
  })

  it('refuses a time more than a day ahead, before 2000, or outside the range of dates, and keeps the rest', () => {
    const verdict = judgeSenmlPack(
      JSON.stringify([
        { bt: NOW_MS / 1000 + 86_400 + 1, n: 'steps', u: 'count', v: 1 },
        { bt: NOW_MS / 1000 + 86_400, n: 'steps', u: 'count', v: 2 },
        { bt: 1e13, n: 'steps', u: 'count', v: 3 },
        { bt: Date.UTC(1999, 11, 31) / 1000, n: 'steps', u: 'count', v: 4 },
        { bt: NOW_MS / 1000, n: 'steps', u: 'count', v: 5, t: 1e300 },
      ]),
      NOW_MS,
    )
    expect(verdict.readings.map((r) => r.value)).toEqual([2])
    expect(verdict.refusals.map((r) => [r.index, r.code])).toEqual([
      [0, 'bad_time'],
      [2, 'bad_time'],
      [3, 'bad_time'],
      [4, 'bad_time'],
    ])
    expect(verdict.refusals[0]?.message).toContain('more than a day ahead')
    expect(verdict.refusals[2]?.message).toContain('before 2000')
  })

  it('keeps valid records and refuses each bad neighbour with its own reason', () => {
    const verdict = judgeSenmlPack(
      JSON.stringify([
        { n: 'heart_rate', u: 'beat/min', v: 72 },
        { n: 'spo2', u: '%', v: 101 },
        { n: 'pulse', u: 'beat/min', v: 60 },
        { n: 'body_temperature', u: 'degF', v: 98.6 },
        { n: 'respiratory_rate', u: '1/min' },
        { n: 'respiratory_rate', u: '1/min', v: 'sixteen' },
        { n: 'spo2', u: '%', v: 96, colour: 'blue' },
        { n: 'on_oxygen', vb: true },
      ]),
      NOW_MS,
    )
    expect(verdict.readings.map((r) => [r.metric, r.value])).toEqual([
      ['heart_rate', 72],
      ['on_oxygen', 1],
    ])
    expect(verdict.refusals.map((r) => [r.index, r.code])).toEqual([
      [1, 'out_of_range'],
      [2, 'unknown_metric'],
      [3, 'wrong_unit'],
      [4, 'missing_value'],
      [5, 'not_numeric'],
      [6, 'unknown_field'],
    ])
    expect(verdict.refusals[0]?.message).toBe('spo2 101 % is outside 50 to 100')
  })

  it('applies base unit and base value to later records', () => {
    const verdict = judgeSenmlPack(JSON.stringify([{ bu: 'Cel', bv: 36, n: 'body_temperature', v: 0.5 }, { n: 'body_temperature', v: 1 }]), NOW_MS)
    expect(verdict.readings.map((r) => r.value)).toEqual([36.5, 37])
  })

  it('refuses a payload that is not JSON, not a pack, or too large, as a whole', () => {
    expect(judgeSenmlPack('{not json', NOW_MS).refusals[0]?.code).toBe('not_json')
    expect(judgeSenmlPack('{"n":"spo2"}', NOW_MS).refusals[0]?.code).toBe('not_a_pack')
    expect(judgeSenmlPack('[]', NOW_MS).refusals[0]?.code).toBe('not_a_pack')
    const big = JSON.stringify([{ n: 'steps', u: 'count', v: 1, pad: 'x'.repeat(MAX_DEVICE_PAYLOAD_BYTES) }])
    const verdict = judgeSenmlPack(big, NOW_MS)
    expect(verdict.readings).toEqual([])
    expect(verdict.refusals).toEqual([{ index: -1, code: 'too_large', message: expect.stringContaining('16384') as string }])
  })

  it('refuses non-object records and a boolean metric given a number', () => {
    const verdict = judgeSenmlPack(JSON.stringify([42, { n: 'on_oxygen', v: 1 }]), NOW_MS)
    expect(verdict.refusals.map((r) => r.code)).toEqual(['not_an_object', 'missing_value'])
  })
})
