import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const ROOT = resolve(import.meta.dirname, '../../..')
const SKIPPED = new Set(['node_modules', 'build', 'data', 'demo-data', 'dist', '.git'])

/** README.md, every page under docs/, and every folder's README. */
function pages(dir = ROOT): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return SKIPPED.has(entry.name) || entry.name.startsWith('.') ? [] : pages(path)
    if (!entry.name.endsWith('.md')) return []
    const rel = relative(ROOT, path)
    return entry.name === 'README.md' || rel.startsWith(`docs${'/'}`) ? [path] : []
  })
}

/** The text a reader sees as prose: code blocks and code spans hold examples, not links. */
function prose(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').replace(/`[^`\n]*`/g, '')
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces as hyphens, repeats numbered. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>()
  const found = new Set<string>()
  const withoutCode = markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '')
  for (const match of withoutCode.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const text = (match[1] ?? '').replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    const base = text.toLowerCase().replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '').replace(/ /g, '-')
    const n = seen.get(base) ?? 0
    seen.set(base, n + 1)
    found.add(n === 0 ? base : `${base}-${n}`)
  }
  return found
}

function links(markdown: string): string[] {
  return [...prose(markdown).matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1] as string)
}

describe('the documentation', () => {
  const all = pages()

  it('is found', () => {
    const names = all.map((p) => relative(ROOT, p))
    for (const page of ['README.md', 'docs/protocol.md', 'docs/rules.md', 'docs/benchmarks.md']) expect(names).toContain(page)
  })

  it('has only relative links that resolve: to a file that exists, and to a heading that exists in it', () => {
    const broken: string[] = []
    for (const page of all) {
      const text = readFileSync(page, 'utf8')
      for (const link of links(text)) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(link)) continue
        const [path = '', fragment] = link.split('#')
        const target = path === '' ? page : resolve(dirname(page), decodeURIComponent(path))
        const where = `${relative(ROOT, page)}: ${link}`
        if (!target.startsWith(ROOT)) broken.push(`${where} (outside the repository: readers do not have it)`)
        else if (!existsSync(target)) broken.push(`${where} (no such file)`)
        else if (fragment !== undefined && target.endsWith('.md') && statSync(target).isFile() && !anchors(readFileSync(target, 'utf8')).has(fragment)) {
          broken.push(`${where} (no such heading)`)
        }
      }
    }
    expect(broken).toEqual([])
  })

  it('keeps the README short enough to read: under 10,000 characters', () => {
    expect([...readFileSync(join(ROOT, 'README.md'), 'utf8')].length).toBeLessThan(10_000)
  })
})
