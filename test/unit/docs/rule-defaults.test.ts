import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { DEFAULT_CARE_SETTINGS, DEVICE_EVENT_LIMITS, ESCALATION_DEADLINES, LOW_BATTERY, PRIORITIES, defaultThresholds } from '../../../contract/index.js'
import { GENERATED, RULES_PAGE, generatedIn, markers, withGenerated } from '../../../platform/docs-rule-defaults.js'

const page = readFileSync(RULES_PAGE, 'utf8')
const generated = (part: string): string => (GENERATED[part] ?? (() => ''))()

describe('the generated parts of docs/rules.md', () => {
  it.each(Object.keys(GENERATED))('%s is exactly what platform/docs-rule-defaults.ts generates from the code (run it with --write after changing a default)', (part) => {
    const text = generatedIn(page, part)
    expect(text, `docs/rules.md has no ${markers(part).start} … ${markers(part).end} markers`).toBeDefined()
    expect(text).toBe(generated(part))
  })

  it('name every default threshold and care setting, the battery levels and the event limits', () => {
    const table = generated('rule-defaults')
    for (const scale of [1, 2] as const) {
      for (const t of defaultThresholds(scale)) {
        expect(table).toContain(`\`${t.metric}\``)
        if (t.above !== undefined) expect(table).toContain(`above ${t.above}`)
        if (t.below !== undefined) expect(table).toContain(`below ${t.below}`)
      }
    }
    for (const [key, value] of Object.entries(DEFAULT_CARE_SETTINGS)) {
      expect(table).toContain(`\`${key}\``)
      if (typeof value === 'number') expect(table).toContain(`\`${value}\``)
    }
    expect(table).toContain(`below ${LOW_BATTERY.below.toFixed(2)}`)
    expect(table).toContain(`${LOW_BATTERY.clearAt.toFixed(2)} or more`)
    expect(table).toContain(`a burst of ${DEVICE_EVENT_LIMITS.burst} events, then ${DEVICE_EVENT_LIMITS.ratePerSecond} a second`)
    expect(table).toContain('a wearable checking in every 15 min is offline after 18 min')
  })

  it("give each priority's deadlines", () => {
    const rows = generated('escalation').split('\n').filter((line) => PRIORITIES.some((p) => line.startsWith(`| ${p} |`)))
    expect(rows).toHaveLength(PRIORITIES.length)
    expect(rows[0]).toBe('| emergency | 1 min (TSA target: 97.5% of alarm calls answered in 60 s) | 30 s | 30 min |')
    expect(rows[3]).toBe('| technical | 1 h | 1 h | 24 h |')
    expect(ESCALATION_DEADLINES.urgent.ackDeadlineSeconds).toBe(180)
  })

  it('are written between their markers, leaving the rest of the page as it was', () => {
    const { start, end } = markers('rule-defaults')
    const before = `# Rules\n\nbefore\n\n${start}\nan old table\n${end}\n\nafter\n`
    const written = withGenerated(before, 'rule-defaults', '| new | table |')
    expect(written).toBe(`# Rules\n\nbefore\n\n${start}\n| new | table |\n${end}\n\nafter\n`)
    expect(generatedIn(written, 'rule-defaults')).toBe('| new | table |')
    expect(generatedIn(written, 'escalation')).toBeUndefined()
    expect(() => withGenerated('# no markers\n', 'escalation', 'x')).toThrow(/markers/)
  })
})
