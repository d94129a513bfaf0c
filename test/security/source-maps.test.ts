import { execFile } from 'node:child_process'
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { removeDir, tempDir } from '../../harness/test-platform.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)]))

describe('the web app as built for production', () => {
  const outDir = tempDir('hearth-web-build-')
  afterAll(() => removeDir(outDir))

  it('holds no source maps and points to none', { timeout: 180_000 }, async () => {
    // Built as npm run build builds it (vite.config.ts), into a folder of its own so that the
    // dashboard/dist other tests serve is left alone.
    await promisify(execFile)(process.execPath, [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'error'], { cwd: ROOT })
    const files = filesUnder(outDir)
    expect(files.some((file) => file.endsWith('.js'))).toBe(true)
    expect(files.filter((file) => file.endsWith('.map'))).toEqual([])
    for (const file of files.filter((f) => /\.(js|css|html)$/.test(f))) {
      expect(readFileSync(file, 'utf8'), file).not.toMatch(/sourceMappingURL/)
    }
  })
})
