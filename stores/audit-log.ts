import { createHash } from 'node:crypto'
import type { Statement } from 'better-sqlite3'
import { HearthError } from '../contract/index.js'
import type { AuditEntry } from '../dashboard/ports.js'
import type { SqliteDatabase } from './open-database.js'

/** One entry as the dashboard's audit trail port defines it: who, organisation, roles, what, whom, when, from where, on what basis. */
export type AuditEntryInput = AuditEntry

export interface AuditRecord extends AuditEntryInput {
  seq: number
  prevHash: string
  hash: string
}

export type AuditVerification =
  | { ok: true; entries: number }
  | { ok: false; entries: number; firstBadEntry: { seq: number; at: string | null; action: string | null; problem: string } }

interface Row {
  seq: number
  at: number
  user_id: string | null
  username: string | null
  organisation_id: string | null
  role: string | null
  action: string
  person_id: string | null
  target: string | null
  ip: string | null
  basis: string | null
  reason: string | null
  prev_hash: string
  hash: string
}

/** A row as the file holds it: anyone with the file may have put anything in it. */
type StoredRow = { [K in keyof Row]: unknown }

/** What the first entry's prev_hash holds: there is no entry before it. */
const GENESIS_HASH = '0'.repeat(64)

const PROGRESS_EVERY = 10_000
const APPEND_ATTEMPTS = 3

/**
 * SHA-256 (hex) of the JSON of every column but the hash, in this order. The order is part of
 * every chain already written: changing it makes every existing entry read as altered.
 */
function auditHash(row: Omit<StoredRow, 'hash'>): string {
  const canonical = [row.seq, row.prev_hash, row.at, row.user_id, row.username, row.organisation_id, row.role, row.action, row.person_id, row.target, row.ip, row.basis, row.reason]
  return createHash('sha256').update(JSON.stringify(canonical), 'utf8').digest('hex')
}

/**
 * SQLite stores a lone UTF-16 surrogate as bytes that read back as other characters, so the hash
 * would no longer match: store and hash what the file can hold.
 */
function storable(text: string): string
function storable(text: string | null): string | null
function storable(text: string | null): string | null {
  return text === null ? null : text.replace(/\p{Surrogate}/gu, '\uFFFD')
}

function chained(entry: AuditEntryInput, head: { seq: number; hash: string }): Row {
  const row: Omit<Row, 'hash'> = {
    seq: head.seq + 1,
    at: entry.at,
    user_id: storable(entry.userId),
    username: storable(entry.username),
    organisation_id: storable(entry.organisationId),
    role: storable(entry.role),
    action: storable(entry.action),
    person_id: storable(entry.personId),
    target: storable(entry.target),
    ip: storable(entry.ip),
    basis: storable(entry.basis),
    reason: storable(entry.reason),
    prev_hash: head.hash,
  }
  return { ...row, hash: auditHash(row) }
}

function toRecord({ user_id, organisation_id, person_id, prev_hash, ...same }: Row): AuditRecord {
  return { ...same, userId: user_id, organisationId: organisation_id, personId: person_id, prevHash: prev_hash }
}

function isoOrNull(at: unknown): string | null {
  const date = typeof at === 'number' ? new Date(at) : undefined
  return date && !Number.isNaN(date.getTime()) ? date.toISOString() : null
}

/** Why this row breaks the chain, given its recomputed hash and the seq and hash the row before it promised. */
function problemWith(row: StoredRow, hash: string, expected: { seq: number; hash: string }): string | undefined {
  if (hash !== row.hash) return 'altered'
  if (row.seq !== expected.seq) return `an entry before it was removed or altered (expected seq ${expected.seq})`
  if (row.prev_hash !== expected.hash) {
    const before = expected.seq === 1 ? 'the start of the log' : `the hash of entry ${expected.seq - 1}`
    return `an entry before it was removed or altered (its prev_hash is not ${before})`
  }
  return undefined
}

/** Who read or did what about whom: append-only, each entry chained to the one before by its hash. */
export function createAuditLog(db: SqliteDatabase) {
  const last = db.prepare<[], { seq: number; hash: string }>('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1')
  const byPerson = db.prepare<[string, number], Row>('SELECT * FROM audit_log WHERE person_id = ? ORDER BY seq DESC LIMIT ?')
  const newest = db.prepare<[number], Row>('SELECT * FROM audit_log ORDER BY seq DESC LIMIT ?')
  const count = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM audit_log')
  const inOrder = db.prepare<[], StoredRow>('SELECT * FROM audit_log ORDER BY seq')
  // Prepared on first use, so that a read-only connection can verify. The row goes in only if the
  // newest entry is still the one this process chains to: another writer, or a caller's
  // transaction rolled back after an append, would otherwise fork the chain.
  let insert: Statement<[Row]> | undefined
  const insertStatement = (): Statement<[Row]> =>
    (insert ??= db.prepare<[Row]>(`
      INSERT INTO audit_log (seq, at, user_id, username, organisation_id, role, action, person_id, target, ip, basis, reason, prev_hash, hash)
      SELECT @seq, @at, @user_id, @username, @organisation_id, @role, @action, @person_id, @target, @ip, @basis, @reason, @prev_hash, @hash
      WHERE coalesce((SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1), '${GENESIS_HASH}') = @prev_hash`))
  const readHead = (): { seq: number; hash: string } => last.get() ?? { seq: 0, hash: GENESIS_HASH }
  let head = readHead()

  const walk = (onProgress?: (checked: number, total: number) => void): AuditVerification => {
    const total = count.get()?.n ?? 0
    let expected = { seq: 1, hash: GENESIS_HASH }
    let checked = 0
    for (const row of inOrder.iterate()) {
      checked++
      const hash = auditHash(row)
      const problem = problemWith(row, hash, expected)
      if (problem !== undefined) {
        const action = typeof row.action === 'string' ? row.action : null
        return { ok: false, entries: checked, firstBadEntry: { seq: Number(row.seq), at: isoOrNull(row.at), action, problem } }
      }
      expected = { seq: expected.seq + 1, hash }
      if (checked % PROGRESS_EVERY === 0 || checked === total) onProgress?.(checked, total)
    }
    return { ok: true, entries: checked }
  }

  return {
    /** Writes one entry and returns its seq. */
    append(entry: AuditEntryInput): number {
      // The hash covers the time as JSON writes it; only whole milliseconds read back the same.
      if (!Number.isSafeInteger(entry.at)) throw new HearthError('validation_failed', `an audit entry's time must be whole milliseconds, not ${entry.at}`)
      for (let attempt = 0; attempt < APPEND_ATTEMPTS; attempt++) {
        const row = chained(entry, head)
        if (insertStatement().run(row).changes === 1) {
          head = { seq: row.seq, hash: row.hash }
          return row.seq
        }
        head = readHead()
      }
      throw new HearthError('unavailable', 'the audit log kept changing while an entry was written; the entry was not written')
    },

    /** Newest first. */
    forPerson(personId: string, limit: number): AuditRecord[] {
      return byPerson.all(personId, limit).map(toRecord)
    },

    /** Newest first. */
    recent(limit: number): AuditRecord[] {
      return newest.all(limit).map(toRecord)
    },

    /** Walks the whole log in order, in one read snapshot, and names the first entry that breaks the chain. */
    verify(onProgress?: (checked: number, total: number) => void): AuditVerification {
      return db.transaction(walk)(onProgress)
    },

    head(): { seq: number; hash: string } {
      return { ...head }
    },
  }
}
