import Database from 'better-sqlite3'
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { createAuditLog, type AuditVerification } from '../stores/audit-log.js'

const HELP = `Usage: npm run audit -- verify [--data-dir DIR]

Checks the audit log in a Hearth data folder: walks every entry in order, recomputes its
SHA-256 hash and its link to the entry before, and names the first entry that was altered or
that follows one that was removed. It never writes to the database, so it can run while
Hearth does. The chain cannot show that the newest entries were removed: compare the count
with the one from the last check.

Options:
  --data-dir DIR  the data folder (default: HEARTH_DATA_DIR, or ./data)
  -h, --help      this text

Exit status: 0 the chain is intact, 1 it is broken, 2 it could not be checked.`

const PROGRESS_INTERVAL_MS = 1000

/** A refusal to check, as opposed to a check that found the chain broken. */
class UsageError extends Error {}

function parse(argv: string[]): { help: boolean; dataDir: string } {
  let parsed
  try {
    parsed = parseArgs({ args: argv, options: { help: { type: 'boolean', short: 'h' }, 'data-dir': { type: 'string' } }, allowPositionals: true, strict: true })
  } catch (error) {
    // Node's own wording for an unknown option runs to three lines of advice on positionals.
    const message = error instanceof Error ? error.message : String(error)
    const unknown = (error as NodeJS.ErrnoException).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? /'([^']+)'/.exec(message)?.[1] : undefined
    throw new UsageError(unknown === undefined ? message : `unknown option ${unknown}`, { cause: error })
  }
  const { values, positionals } = parsed
  if (values.help) return { help: true, dataDir: '' }
  if (positionals.length !== 1 || positionals[0] !== 'verify') throw new UsageError(`expected the command verify, got ${positionals.length === 0 ? 'none' : positionals.join(' ')}`)
  if (values['data-dir'] === '') throw new UsageError('--data-dir needs a folder')
  return { help: false, dataDir: resolve(values['data-dir'] ?? (process.env.HEARTH_DATA_DIR || './data')) }
}

/** Opens the folder's database read-only, never creating or migrating it (SQLite may add its -wal and -shm files beside it). */
function openForReading(dataDir: string): Database.Database {
  if (!existsSync(dataDir)) throw new Error(`no data folder at ${dataDir} (name one with --data-dir or HEARTH_DATA_DIR)`)
  const path = join(dataDir, 'hearth.db')
  if (!existsSync(path)) throw new Error(`no Hearth database in ${dataDir}: hearth.db is missing`)
  const db = new Database(path, { readonly: true, fileMustExist: true })
  const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit_log'").get()
  if (table === undefined) {
    db.close()
    throw new Error(`the data folder ${dataDir} predates the audit log: there is nothing to verify`)
  }
  return db
}

function summary(result: AuditVerification): string {
  if (result.ok) return `audit chain intact: ${result.entries} entries`
  const { seq, action, at, problem } = result.firstBadEntry
  return `audit chain broken at entry ${seq} (${action ?? 'unknown action'} at ${at ?? 'unknown time'}): ${problem}; ${result.entries} entries checked`
}

function main(): void {
  const { help, dataDir } = parse(process.argv.slice(2))
  if (help) return console.log(HELP)
  const db = openForReading(dataDir)
  try {
    let lastReportMs = Date.now()
    const result = createAuditLog(db).verify((checked, total) => {
      if (Date.now() - lastReportMs < PROGRESS_INTERVAL_MS) return
      lastReportMs = Date.now()
      console.error(`checked ${checked.toLocaleString('en-GB')} of ${total.toLocaleString('en-GB')} entries`)
    })
    console.log(summary(result))
    process.exitCode = result.ok ? 0 : 1
  } finally {
    db.close()
  }
}

try {
  main()
} catch (error) {
  const message = error instanceof Error ? error.message : String(error)
  console.error(`hearth audit: ${message}${error instanceof UsageError ? ' (--help for usage)' : ''}`)
  process.exitCode = 2
}
