import Database from 'better-sqlite3'
import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createAuditLog, type AuditEntryInput } from '../../../stores/audit-log.js'
import { openDatabase, type SqliteDatabase } from '../../../stores/open-database.js'
import { OPERATIONAL_MIGRATIONS } from '../../../stores/operational-schema.js'

const T0 = Date.parse('2026-03-01T09:00:00Z')
const GENESIS = '0'.repeat(64)

function entry(overrides: Partial<AuditEntryInput> = {}): AuditEntryInput {
  return {
    at: T0,
    userId: 'u-cleo',
    username: 'cleo',
    organisationId: 'o-hearth',
    role: 'responder',
    action: 'person.read',
    personId: 'p-ada',
    target: null,
    ip: '192.0.2.7',
    basis: 'direct-care',
    reason: null,
    ...overrides,
  }
}

/** The documented hash: SHA-256 of the JSON of seq, prev_hash and every field, in column order. */
function hashOf(row: Record<string, unknown>): string {
  const fields = ['seq', 'prev_hash', 'at', 'user_id', 'username', 'organisation_id', 'role', 'action', 'person_id', 'target', 'ip', 'basis', 'reason']
  return createHash('sha256').update(JSON.stringify(fields.map((f) => row[f]))).digest('hex')
}

describe('audit log', () => {
  let dir: string
  let path: string
  let db: SqliteDatabase

  /** What someone holding the file can do: their own connection, no triggers in the way. */
  function tamper(sql: string): void {
    const other = new Database(path)
    try {
      other.exec('DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS audit_log_no_delete;')
      other.exec(sql)
    } finally {
      other.close()
    }
  }

  function appendMany(count: number): void {
    const log = createAuditLog(db)
    for (let i = 0; i < count; i++) log.append(entry({ at: T0 + i * 1000, target: `entry ${i + 1}` }))
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hearth-audit-'))
    path = join(dir, 'hearth.db')
    db = openDatabase(path, OPERATIONAL_MIGRATIONS, { synchronous: 'NORMAL' })
  })

  afterEach(() => {
    db.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('chains each entry to the hash of the one before', () => {
    const log = createAuditLog(db)
    expect(log.head()).toEqual({ seq: 0, hash: GENESIS })
    expect(log.append(entry())).toBe(1)
    expect(log.append(entry({ action: 'readings.read', at: T0 + 1 }))).toBe(2)
    expect(log.append(entry({ action: 'alert.acknowledged', at: T0 + 2, personId: null }))).toBe(3)

    const [third, second, first] = log.recent(10)
    expect(first).toMatchObject({ seq: 1, prevHash: GENESIS, ...entry() })
    expect(second).toMatchObject({ seq: 2, prevHash: first?.hash, action: 'readings.read' })
    expect(third).toMatchObject({ seq: 3, prevHash: second?.hash, action: 'alert.acknowledged', personId: null })
    const stored = db.prepare<[], Record<string, unknown>>('SELECT * FROM audit_log ORDER BY seq').all()
    expect(stored.map((row) => row.hash)).toEqual(stored.map(hashOf))
    expect(log.head()).toEqual({ seq: 3, hash: third?.hash })
  })

  it("lists a person's entries and the most recent ones, newest first", () => {
    const log = createAuditLog(db)
    log.append(entry({ personId: 'p-ada', action: 'person.read' }))
    log.append(entry({ personId: 'p-mary', action: 'person.read' }))
    log.append(entry({ personId: 'p-ada', action: 'timeline.read' }))
    log.append(entry({ personId: 'p-ada', action: 'break-glass.opened', reason: 'fall, no answer at the door' }))

    expect(log.forPerson('p-ada', 10).map((r) => [r.seq, r.action])).toEqual([
      [4, 'break-glass.opened'],
      [3, 'timeline.read'],
      [1, 'person.read'],
    ])
    expect(log.forPerson('p-ada', 2).map((r) => r.seq)).toEqual([4, 3])
    expect(log.forPerson('p-nobody', 10)).toEqual([])
    expect(log.recent(2).map((r) => r.seq)).toEqual([4, 3])
    expect(log.recent(2)[0]?.reason).toBe('fall, no answer at the door')
  })

  it('verifies an intact log and counts its entries', () => {
    expect(createAuditLog(db).verify()).toEqual({ ok: true, entries: 0 })
    appendMany(5)
    expect(createAuditLog(db).verify()).toEqual({ ok: true, entries: 5 })
  })

  it.each([
    ['action', "UPDATE audit_log SET action = 'person.read' WHERE seq = 3"],
    ['user', "UPDATE audit_log SET user_id = 'u-someone-else' WHERE seq = 3"],
    ['prev_hash', 'UPDATE audit_log SET prev_hash = (SELECT hash FROM audit_log WHERE seq = 1) WHERE seq = 3'],
  ])('names the entry whose %s was changed in the file', (_field, sql) => {
    const log = createAuditLog(db)
    for (let i = 0; i < 5; i++) log.append(entry({ at: T0 + i * 1000, action: 'timeline.read' }))
    tamper(sql)
    const result = log.verify()
    expect(result).toMatchObject({ ok: false, entries: 3, firstBadEntry: { seq: 3, at: new Date(T0 + 2000).toISOString(), problem: 'altered' } })
  })

  it('names the entry after one removed from the middle', () => {
    appendMany(5)
    tamper('DELETE FROM audit_log WHERE seq = 3')
    expect(createAuditLog(db).verify()).toEqual({
      ok: false,
      entries: 3,
      firstBadEntry: { seq: 4, at: new Date(T0 + 3000).toISOString(), action: 'person.read', problem: 'an entry before it was removed or altered (expected seq 3)' },
    })
  })

  it('names the second entry when the first was removed', () => {
    appendMany(3)
    tamper('DELETE FROM audit_log WHERE seq = 1')
    expect(createAuditLog(db).verify()).toMatchObject({ ok: false, entries: 1, firstBadEntry: { seq: 2, problem: 'an entry before it was removed or altered (expected seq 1)' } })
  })

  it('names the entry after one changed and given a fresh hash', () => {
    appendMany(5)
    const row = db.prepare<[], Record<string, unknown>>('SELECT * FROM audit_log WHERE seq = 2').get()
    const forged = { ...row, user_id: 'u-someone-else' }
    tamper(`UPDATE audit_log SET user_id = 'u-someone-else', hash = '${hashOf(forged)}' WHERE seq = 2`)
    const result = createAuditLog(db).verify()
    expect(result).toMatchObject({ ok: false, entries: 3, firstBadEntry: { seq: 3, action: 'person.read' } })
    expect(result.ok || result.firstBadEntry.problem).toMatch(/^an entry before it was removed or altered/)
  })

  it('reports a time it cannot read as unknown', () => {
    appendMany(2)
    tamper("UPDATE audit_log SET at = 'yesterday' WHERE seq = 2")
    expect(createAuditLog(db).verify()).toMatchObject({ ok: false, firstBadEntry: { seq: 2, at: null, problem: 'altered' } })
  })

  it('refuses to update or delete entries through SQL', () => {
    appendMany(2)
    expect(() => db.prepare("UPDATE audit_log SET action = 'nothing' WHERE seq = 1").run()).toThrow(/append-only/)
    expect(() => db.prepare('DELETE FROM audit_log WHERE seq = 2').run()).toThrow(/append-only/)
    expect(createAuditLog(db).verify()).toEqual({ ok: true, entries: 2 })
  })

  it('continues the chain of an existing file', () => {
    appendMany(2)
    const before = createAuditLog(db).head()
    db.close()
    db = openDatabase(path, OPERATIONAL_MIGRATIONS, { synchronous: 'NORMAL' })
    const log = createAuditLog(db)
    expect(log.head()).toEqual(before)
    expect(log.append(entry())).toBe(3)
    expect(log.recent(1)[0]?.prevHash).toBe(before.hash)
    expect(log.verify()).toEqual({ ok: true, entries: 3 })
  })

  it('keeps its place when an entry cannot be written', () => {
    const log = createAuditLog(db)
    log.append(entry())
    const before = log.head()
    expect(() => log.append(entry({ action: null as unknown as string }))).toThrow(/NOT NULL/)
    expect(() => log.append(entry({ at: T0 + 0.5 }))).toThrow(expect.objectContaining({ code: 'validation_failed' }))
    expect(log.head()).toEqual(before)
    expect(log.append(entry())).toBe(2)
    expect(log.verify()).toEqual({ ok: true, entries: 2 })
  })

  it('chains on to what the file holds after a rolled-back transaction or another writer', () => {
    const log = createAuditLog(db)
    log.append(entry())
    expect(() =>
      db.transaction(() => {
        log.append(entry({ action: 'circle.member-added' }))
        throw new Error('the change the entry recorded failed')
      })(),
    ).toThrow('the change the entry recorded failed')
    expect(log.append(entry({ action: 'alert.acknowledged' }))).toBe(2)

    const other = new Database(path)
    try {
      expect(createAuditLog(other).append(entry({ action: 'readings.read' }))).toBe(3)
    } finally {
      other.close()
    }
    expect(log.append(entry({ action: 'timeline.read' }))).toBe(4)
    expect(log.recent(10).map((r) => r.action)).toEqual(['timeline.read', 'readings.read', 'alert.acknowledged', 'person.read'])
    expect(log.verify()).toEqual({ ok: true, entries: 4 })
  })

  it('verifies text that SQLite cannot hold exactly as given', () => {
    const log = createAuditLog(db)
    log.append(entry({ username: 'cl\ud800eo', reason: 'line one\nline two \u0000 😀' }))
    expect(log.verify()).toEqual({ ok: true, entries: 1 })
    expect(log.recent(1)[0]).toMatchObject({ username: 'cl\ufffdeo', reason: 'line one\nline two \u0000 😀' })
  })

  it('reports its progress through a long log', () => {
    db.transaction(() => appendMany(25_000))()
    const progress: Array<[number, number]> = []
    expect(createAuditLog(db).verify((checked, total) => progress.push([checked, total]))).toEqual({ ok: true, entries: 25_000 })
    expect(progress).toEqual([
      [10_000, 25_000],
      [20_000, 25_000],
      [25_000, 25_000],
    ])
  })
})
