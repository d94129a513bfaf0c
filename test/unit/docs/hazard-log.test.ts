import { existsSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

const LOG = 'docs/safety/hazard-log.md'
const text = readFileSync(LOG, 'utf8')

/** Each hazard's section and the tests it names (`- test: \`FILE\` › NAME`). */
const sections = text
  .split(/^## /m)
  .slice(1)
  .map((section) => ({
    title: section.split('\n')[0] ?? '',
    tests: [...section.matchAll(/^- test: `([^`]+)` › (.+)$/gm)].map((m) => ({ file: m[1] as string, name: (m[2] as string).trim() })),
  }))

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

describe('the hazard log', () => {
  it('covers every hazard the clinical safety case names, each with at least one test', () => {
    const titles = sections.map((s) => s.title)
    for (const hazard of ['lost or', 'silent device', 'wrong threshold', 'silenced by mistake', 'Alarm fatigue', "wrong person's record", 'outside the circle of care']) {
      expect(titles.some((t) => t.includes(hazard)), hazard).toBe(true)
    }
    for (const s of sections) expect(s.tests.length, s.title).toBeGreaterThan(0)
  })

  it('names only tests that exist', () => {
    const missing: string[] = []
    for (const { file, name } of sections.flatMap((s) => s.tests)) {
      if (!existsSync(file)) {
        missing.push(`${file} (no such file)`)
        continue
      }
      const declared = new RegExp(`\\bit\\(\\s*(['"\`])${escape(name)}\\1`)
      if (!declared.test(readFileSync(file, 'utf8'))) missing.push(`${file} › ${name}`)
    }
    expect(missing).toEqual([])
  })
})
