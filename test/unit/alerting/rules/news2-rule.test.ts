import { describe, expect, it } from 'vitest'
import {
  NEWS2_KIND,
  NEWS2_PARAMETERS,
  describeNews2,
  evaluateNews2,
  news2Priority,
  scoreNews2,
  type News2Inputs,
  type News2State,
} from '../../../../alerting/rules/news2-rule.js'
import type { RuleFinding } from '../../../../alerting/rules/rule-finding.js'

/** The score of the single parameter given. */
const one = (inputs: News2Inputs, scale: 1 | 2 = 1): number => {
  const { parts } = scoreNews2(inputs, scale)
  if (parts.length !== 1) throw new Error(`expected one part, got ${parts.length}`)
  return parts[0]?.score ?? -1
}

// Royal College of Physicians, NEWS2 (2017), chart 1, checked band edge by band edge.
describe('NEWS2 scoring against the RCP 2017 chart', () => {
  it.each([
    [5, 3], [8, 3], [9, 1], [11, 1], [12, 0], [20, 0], [21, 2], [24, 2], [25, 3], [40, 3],
  ])('scores a respiration rate of %d as %d', (rate, score) => {
    expect(one({ respiratory_rate: rate })).toBe(score)
  })

  it.each([
    [85, 3], [91, 3], [92, 2], [93, 2], [94, 1], [95, 1], [96, 0], [100, 0],
  ])('scores SpO2 of %d on scale 1 as %d', (spo2, score) => {
    expect(one({ spo2 })).toBe(score)
  })

  it('scores SpO2 on scale 1 the same on air and on oxygen (oxygen scores on its own line)', () => {
    for (const spo2 of [88, 92, 94, 97]) {
      const air = scoreNews2({ spo2, on_oxygen: false }, 1).parts
      const oxygen = scoreNews2({ spo2, on_oxygen: true }, 1).parts
      expect(air[0]?.score).toBe(oxygen[0]?.score)
    }
  })

  it.each([
    [78, 3], [83, 3], [84, 2], [85, 2], [86, 1], [87, 1], [88, 0], [92, 0], [93, 0], [96, 0], [100, 0],
  ])('scores SpO2 of %d on scale 2 on air as %d', (spo2, score) => {
    expect(scoreNews2({ spo2, on_oxygen: false }, 2).parts[0]).toEqual({ parameter: 'SpO2 (scale 2)', score })
  })

  it.each([
    [83, 3], [84, 2], [85, 2], [86, 1], [87, 1], [88, 0], [92, 0], [93, 1], [94, 1], [95, 2], [96, 2], [97, 3], [100, 3],
  ])('scores SpO2 of %d on scale 2 on oxygen as %d', (spo2, score) => {
    expect(scoreNews2({ spo2, on_oxygen: true }, 2).parts[0]).toEqual({ parameter: 'SpO2 (scale 2)', score })
  })

  it('scores SpO2 on scale 2 as on air when oxygen is not known, and does not count oxygen as measured', () => {
    const score = scoreNews2({ spo2: 97 }, 2)
    expect(score).toEqual({ total: 0, measured: 1, parts: [{ parameter: 'SpO2 (scale 2)', score: 0 }], anyThree: false })
  })

  it('scores air as 0 and supplemental oxygen as 2', () => {
    expect(one({ on_oxygen: false })).toBe(0)
    expect(one({ on_oxygen: true })).toBe(2)
  })

  it.each([
    [70, 3], [90, 3], [91, 2], [100, 2], [101, 1], [110, 1], [111, 0], [219, 0], [220, 3], [250, 3],
  ])('scores a systolic pressure of %d as %d', (systolic_bp, score) => {
    expect(one({ systolic_bp })).toBe(score)
  })

  it.each([
    [30, 3], [40, 3], [41, 1], [50, 1], [51, 0], [90, 0], [91, 1], [110, 1], [111, 2], [130, 2], [131, 3], [180, 3],
  ])('scores a pulse of %d as %d', (heart_rate, score) => {
    expect(one({ heart_rate })).toBe(score)
  })

  it.each([
    [34.0, 3], [35.0, 3], [35.1, 1], [36.0, 1], [36.1, 0], [38.0, 0], [38.1, 1], [39.0, 1], [39.1, 2], [41.0, 2],
  ])('scores a temperature of %s °C as %s', (body_temperature, score) => {
    expect(one({ body_temperature })).toBe(score)
  })

  it('adds the parts up in chart order and names each', () => {
    const score = scoreNews2({ respiratory_rate: 22, spo2: 93, on_oxygen: true, systolic_bp: 105, heart_rate: 115, body_temperature: 38.5 }, 1)
    expect(score).toEqual({
      total: 2 + 2 + 2 + 1 + 2 + 1,
      measured: 6,
      anyThree: false,
      parts: [
        { parameter: 'respiration rate', score: 2 },
        { parameter: 'SpO2 (scale 1)', score: 2 },
        { parameter: 'air or oxygen', score: 2 },
        { parameter: 'systolic BP', score: 1 },
        { parameter: 'pulse', score: 2 },
        { parameter: 'temperature', score: 1 },
      ],
    })
  })

  it('never counts consciousness, so even every home parameter is one short of the seven', () => {
    expect(NEWS2_PARAMETERS).toBe(7)
    const all = scoreNews2({ respiratory_rate: 16, spo2: 97, on_oxygen: false, systolic_bp: 125, heart_rate: 70, body_temperature: 36.8 }, 1)
    expect(all.measured).toBe(6)
    expect(describeNews2(all)).toBe('partial NEWS2 (6 of 7 parameters): 0')
  })
})

describe('NEWS2 priority bands', () => {
  it('needs no response at an aggregate of 4 with no single 3', () => {
    const score = scoreNews2({ spo2: 93, heart_rate: 115 }, 1)
    expect([score.total, score.anyThree, news2Priority(score)]).toEqual([4, false, undefined])
  })

  it('is urgent at an aggregate of 5', () => {
    const score = scoreNews2({ spo2: 93, heart_rate: 115, body_temperature: 38.5 }, 1)
    expect([score.total, news2Priority(score)]).toEqual([5, 'urgent'])
  })

  it('is urgent at an aggregate of 6', () => {
    const score = scoreNews2({ spo2: 93, heart_rate: 115, respiratory_rate: 22 }, 1)
    expect([score.total, news2Priority(score)]).toEqual([6, 'urgent'])
  })

  it('is urgent for a single parameter scoring 3 even though the aggregate is only 3', () => {
    const score = scoreNews2({ spo2: 91, heart_rate: 70 }, 1)
    expect([score.total, score.anyThree, news2Priority(score)]).toEqual([3, true, 'urgent'])
  })

  it('is an emergency at an aggregate of 7', () => {
    const score = scoreNews2({ spo2: 91, heart_rate: 115, body_temperature: 39.5 }, 1)
    expect([score.total, news2Priority(score)]).toEqual([7, 'emergency'])
  })

  it('fires at 91% on scale 1 but not at 92%', () => {
    expect(news2Priority(scoreNews2({ spo2: 91 }, 1))).toBe('urgent')
    expect(news2Priority(scoreNews2({ spo2: 92 }, 1))).toBeUndefined()
  })

  it('fires at 97% on oxygen on scale 2 but not at 96%, nor at 97% on air', () => {
    // Oxygen itself adds 2: SpO2 97% on oxygen is 3 + 2 = 5; 96% on oxygen is 2 + 2 = 4.
    expect(news2Priority(scoreNews2({ spo2: 97, on_oxygen: true }, 2))).toBe('urgent')
    expect(news2Priority(scoreNews2({ spo2: 96, on_oxygen: true }, 2))).toBeUndefined()
    expect(news2Priority(scoreNews2({ spo2: 97, on_oxygen: false }, 2))).toBeUndefined()
  })
})

describe('NEWS2 description', () => {
  it('calls a score from three parameters partial and lists the parameters that scored', () => {
    const score = scoreNews2({ spo2: 93, heart_rate: 115, body_temperature: 37.0 }, 1)
    expect(describeNews2(score)).toBe('partial NEWS2 (3 of 7 parameters): 4; SpO2 (scale 1) 2, pulse 2')
  })

  it('names the scale in use', () => {
    expect(describeNews2(scoreNews2({ spo2: 84, on_oxygen: false }, 2))).toBe('partial NEWS2 (2 of 7 parameters): 2; SpO2 (scale 2) 2')
  })

  it('says plain "NEWS2" only when all seven parameters are in', () => {
    const complete = { total: 9, measured: 7, anyThree: true, parts: [{ parameter: 'pulse', score: 3 }, { parameter: 'consciousness', score: 3 }, { parameter: 'temperature', score: 3 }] }
    expect(describeNews2(complete)).toBe('NEWS2 9; pulse 3, consciousness 3, temperature 3')
  })
})

describe('NEWS2 rule: firing, rising and clearing', () => {
  const urgent: News2Inputs = { spo2: 93, heart_rate: 115, body_temperature: 38.5 } // 5
  const emergency: News2Inputs = { spo2: 91, heart_rate: 115, body_temperature: 39.5 } // 7
  const between: News2Inputs = { spo2: 95, heart_rate: 115, body_temperature: 38.5 } // 4: below the bands
  const calm: News2Inputs = { spo2: 97, heart_rate: 72, body_temperature: 36.8 } // 0

  function run(sequence: News2Inputs[], scale: 1 | 2 = 1): { state: News2State | undefined; findings: Array<RuleFinding | undefined> } {
    let state: News2State | undefined
    const findings: Array<RuleFinding | undefined> = []
    for (const inputs of sequence) {
      const result = evaluateNews2(state, inputs, scale)
      state = result.state
      findings.push(result.finding)
    }
    return { state, findings }
  }

  it('fires once when the urgent band is reached and stays quiet while it holds', () => {
    const { findings, state } = run([calm, urgent, urgent, urgent])
    expect(findings).toEqual([
      undefined,
      { action: 'fire', kind: NEWS2_KIND, priority: 'urgent', summary: 'partial NEWS2 (3 of 7 parameters): 5; SpO2 (scale 1) 2, pulse 2, temperature 1' },
      undefined,
      undefined,
    ])
    expect(state).toEqual({ priority: 'urgent' })
  })

  it('fires again when it rises from urgent to emergency', () => {
    const { findings } = run([urgent, emergency])
    expect(findings[1]).toEqual({
      action: 'fire',
      kind: 'news2',
      priority: 'emergency',
      summary: 'partial NEWS2 (3 of 7 parameters): 7; SpO2 (scale 1) 3, pulse 2, temperature 2',
    })
  })

  it('does not fire or clear when it falls from emergency back to urgent, and a second rise does not fire again', () => {
    const { findings, state } = run([emergency, urgent, emergency, urgent])
    expect(findings.map((f) => f?.action)).toEqual(['fire', undefined, undefined, undefined])
    expect(state).toEqual({ priority: 'emergency' })
  })

  it('clears only below both bands, with the score that cleared it', () => {
    const { findings, state } = run([urgent, between])
    expect(findings[1]).toEqual({ action: 'clear', kind: 'news2', summary: 'partial NEWS2 (3 of 7 parameters): 4; SpO2 (scale 1) 1, pulse 2, temperature 1: below the alert bands' })
    expect(state).toEqual({ priority: undefined })
  })

  it('fires afresh after it has cleared', () => {
    const { findings } = run([urgent, calm, urgent])
    expect(findings.map((f) => f && `${f.action}${f.action === 'fire' ? ` ${f.priority}` : ''}`)).toEqual(['fire urgent', 'clear', 'fire urgent'])
  })

  it('goes straight to emergency from calm', () => {
    expect(run([calm, emergency]).findings[1]).toMatchObject({ action: 'fire', priority: 'emergency' })
  })

  it('raises nothing over 3 days of a reading every minute within the normal ranges', () => {
    let state: News2State | undefined
    const findings: RuleFinding[] = []
    for (let minute = 0; minute < 3 * 24 * 60; minute++) {
      const inputs: News2Inputs = {
        respiratory_rate: 12 + (minute % 9), // 12..20
        spo2: 96 + (minute % 5), // 96..100
        on_oxygen: false,
        systolic_bp: 111 + (minute % 100), // 111..210
        heart_rate: 51 + ((minute * 7) % 40), // 51..90
        body_temperature: (361 + (minute % 20)) / 10, // 36.1..38.0
      }
      const result = evaluateNews2(state, inputs, 1)
      state = result.state
      if (result.finding) findings.push(result.finding)
    }
    expect(findings).toEqual([])
    expect(state).toEqual({ priority: undefined })
  })
})
