import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { DEFAULT_CARE_SETTINGS, defaultThresholds } from '../../../contract/index.js'
import { RULES_PAGE, RULE_DEFAULTS_END, RULE_DEFAULTS_START, ruleDefaultsIn, ruleDefaultsMarkdown, withRuleDefaults } from '../../../platform/docs-rule-defaults.js'

describe('the rule defaults in docs/rules.md', () => {
  it('are exactly what platform/docs-rule-defaults.ts generates from the code (run it with --write after changing a default)', () => {
    const table = ruleDefaultsIn(readFileSync(RULES_PAGE, 'utf8'))
    expect(table, `docs/rules.md has no ${RULE_DEFAULTS_START} … ${RULE_DEFAULTS_END} markers`).toBeDefined()
    expect(table).toBe(ruleDefaultsMarkdown())
  })

  it('name every default threshold and care setting', () => {
    const table = ruleDefaultsMarkdown()
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
  })

  it('are written between the markers, leaving the rest of the page as it was', () => {
    const page = `# Rules\n\nbefore\n\n${RULE_DEFAULTS_START}\nan old table\n${RULE_DEFAULTS_END}\n\nafter\n`
    const written = withRuleDefaults(page, '| new | table |')
    expect(written).toBe(`# Rules\n\nbefore\n\n${RULE_DEFAULTS_START}\n| new | table |\n${RULE_DEFAULTS_END}\n\nafter\n`)
    expect(ruleDefaultsIn(written)).toBe('| new | table |')
    expect(() => withRuleDefaults('# no markers\n')).toThrow(/markers/)
  })
})
