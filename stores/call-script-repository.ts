import { DEFAULT_CALL_SCRIPTS, type CallScript } from '../contract/index.js'
import type { SqliteDatabase } from './open-database.js'

interface Row {
  kind: string
  version: number
  questions: string
  changed_by: string
  changed_at: number
  reason: string
}

const toScript = (row: Row): CallScript => ({
  kind: row.kind,
  questions: JSON.parse(row.questions) as string[],
  version: row.version,
  changedAt: new Date(row.changed_at).toISOString(),
  changedBy: row.changed_by,
  reason: row.reason,
})

const shipped = (kind: string, questions: readonly string[]): CallScript => ({ kind, questions: [...questions], version: 0, changedAt: null, changedBy: null, reason: null })

/**
 * Call scripts by alert kind: Hearth's defaults (contract/follow-ups.ts) until a supervisor
 * writes one, then versions kept with who, when and why, never updated.
 */
export function createCallScriptRepository(db: SqliteDatabase) {
  const latest = db.prepare<[], Row>('SELECT c.* FROM call_scripts c WHERE version = (SELECT MAX(version) FROM call_scripts WHERE kind = c.kind) ORDER BY kind')
  const ofKind = db.prepare<[string], Row>('SELECT * FROM call_scripts WHERE kind = ? ORDER BY version DESC')
  const insert = db.prepare('INSERT INTO call_scripts (kind, version, questions, changed_by, changed_at, reason) VALUES (?, ?, ?, ?, ?, ?)')
  const write = db.transaction((kind: string, questions: readonly string[], reason: string, by: string, nowMs: number): CallScript => {
    const version = (ofKind.get(kind)?.version ?? 0) + 1
    insert.run(kind, version, JSON.stringify(questions), by, nowMs, reason)
    return toScript(ofKind.get(kind) as Row)
  })
  return {
    /** Every kind with a script: the defaults, and the kinds supervisors wrote one for, in force now. */
    all(): CallScript[] {
      const written = new Map(latest.all().map((row) => [row.kind, toScript(row)]))
      const defaults = Object.entries(DEFAULT_CALL_SCRIPTS).map(([kind, questions]) => written.get(kind) ?? shipped(kind, questions))
      return [...defaults, ...[...written.values()].filter((s) => !(s.kind in DEFAULT_CALL_SCRIPTS))]
    },
    current(kind: string): CallScript | undefined {
      const row = ofKind.get(kind)
      if (row) return toScript(row)
      const questions = DEFAULT_CALL_SCRIPTS[kind]
      return questions ? shipped(kind, questions) : undefined
    },
    /** Newest first; the shipped default is not a version. */
    versions: (kind: string): CallScript[] => ofKind.all(kind).map(toScript),
    write,
  }
}
