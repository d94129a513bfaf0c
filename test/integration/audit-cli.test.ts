import Database from 'better-sqlite3'
import { execFile } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createAuditLog } from '../../stores/audit-log.js'
import { openDatabase } from '../../stores/open-database.js'
import { OPERATIONAL_MIGRATIONS } from '../../stores/operational-schema.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const T0 = Date.parse('2026-03-01T09:00:00Z')

interface Run {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs the CLI as `npm run audit --` does, in its own process. */
function audit(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'platform/audit-cli.ts', ...args], { cwd: ROOT, env: { PATH: process.env.PATH, ...env } }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr })
    })
  })
}

function writeEntries(dataDir: string, count: number): void {
  const db = openDatabase(join(dataDir, 'hearth.db'), OPERATIONAL_MIGRATIONS, { synchronous: 'NORMAL' })
  try {
    const log = createAuditLog(db)
    for (let i = 0; i < count; i++) {
      log.append({
        at: T0 + i * 60_000,
        userId: 'u-cleo',
        username: 'cleo',
        organisationId: 'o-hearth',
        role: 'responder',
        action: i % 2 === 0 ? 'person.read' : 'timeline.read',
        personId: 'p-ada',
        target: null,
        ip: '192.0.2.7',
        basis: 'direct-care',
        reason: null,
      })
    }
  } finally {
    db.close()
  }
}

describe('npm run audit', () => {
  let dir: string

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hearth-audit-cli-'))
  })

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true })
  })

  it('reports an intact chain with its entry count', async () => {
    writeEntries(dir, 4)
    const run = await audit(['verify', '--data-dir', dir])
    expect(run).toMatchObject({ code: 0, stdout: 'audit chain intact: 4 entries\n' })
  })

  it('checks a folder while Hearth has it open and is writing to it', async () => {
    writeEntries(dir, 3)
    const db = openDatabase(join(dir, 'hearth.db'), OPERATIONAL_MIGRATIONS, { synchronous: 'NORMAL' })
    try {
      const log = createAuditLog(db)
      log.append({ ...log.recent(1)[0]!, at: T0 + 600_000 })
      expect(await audit(['verify', '--data-dir', dir])).toMatchObject({ code: 0, stdout: 'audit chain intact: 4 entries\n' })
      expect(log.append({ ...log.recent(1)[0]!, at: T0 + 660_000 })).toBe(5)
    } finally {
      db.close()
    }
  })

  it('checks the folder named by HEARTH_DATA_DIR when none is given', async () => {
    writeEntries(dir, 2)
    expect(await audit(['verify'], { HEARTH_DATA_DIR: dir })).toMatchObject({ code: 0, stdout: 'audit chain intact: 2 entries\n' })
  })

  it('names the first entry changed in the file', async () => {
    writeEntries(dir, 5)
    const db = new Database(join(dir, 'hearth.db'))
    db.exec("DROP TRIGGER audit_log_no_update; UPDATE audit_log SET user_id = 'u-someone-else' WHERE seq = 3")
    db.close()
    const run = await audit(['verify', '--data-dir', dir])
    expect(run).toMatchObject({ code: 1, stdout: `audit chain broken at entry 3 (person.read at ${new Date(T0 + 120_000).toISOString()}): altered; 3 entries checked\n` })
  })

  it('prints its usage', async () => {
    const run = await audit(['--help'])
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/^Usage: npm run audit -- verify \[--data-dir DIR\]/)
  })

  it('refuses an unknown option or command', async () => {
    const unknown = await audit(['verify', '--fix'])
    expect(unknown).toMatchObject({ code: 2, stdout: '' })
    expect(unknown.stderr).toBe('hearth audit: unknown option --fix (--help for usage)\n')
    const command = await audit(['repair', '--data-dir', dir])
    expect(command).toMatchObject({ code: 2, stdout: '' })
    expect(command.stderr).toContain('expected the command verify, got repair')
  })

  it('refuses a folder that is missing, or holds no database, and creates nothing', async () => {
    const missing = join(dir, 'no-such-folder')
    const run = await audit(['verify', '--data-dir', missing])
    expect(run).toMatchObject({ code: 2, stdout: '', stderr: `hearth audit: no data folder at ${missing} (name one with --data-dir or HEARTH_DATA_DIR)\n` })
    expect(existsSync(missing)).toBe(false)

    const empty = join(dir, 'empty')
    mkdirSync(empty)
    const none = await audit(['verify', '--data-dir', empty])
    expect(none).toMatchObject({ code: 2, stdout: '', stderr: `hearth audit: no Hearth database in ${empty}: hearth.db is missing\n` })
    expect(readdirSync(empty)).toEqual([])
  })

  it('says when the folder predates the audit log', async () => {
    openDatabase(join(dir, 'hearth.db'), OPERATIONAL_MIGRATIONS.filter((m) => m.version < 4), { synchronous: 'NORMAL' }).close()
    const run = await audit(['verify', '--data-dir', dir])
    expect(run).toMatchObject({ code: 2, stdout: '' })
    expect(run.stderr).toContain('predates the audit log')
  })
})
