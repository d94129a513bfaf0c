import { randomBytes } from 'node:crypto'
import type { CreatePersonBody } from '../contract/index.js'
import { createExpiringCache } from './expiring-cache.js'
import type { SqliteDatabase } from './open-database.js'

export interface PersonRecord extends CreatePersonBody {
  id: string
  createdAt: string
  archivedAt: string | null
  archivedBy: string | null
  archiveReason: string | null
}

interface Row {
  id: string
  name: string
  time_zone: string
  details: string
  created_at: number
  archived_at: number | null
  archived_by: string | null
  archive_reason: string | null
}

function toRecord(row: Row): PersonRecord {
  const details = JSON.parse(row.details) as Omit<CreatePersonBody, 'name' | 'timeZone'>
  return {
    id: row.id,
    name: row.name,
    timeZone: row.time_zone,
    ...details,
    createdAt: new Date(row.created_at).toISOString(),
    archivedAt: row.archived_at === null ? null : new Date(row.archived_at).toISOString(),
    archivedBy: row.archived_by,
    archiveReason: row.archive_reason,
  }
}

export function createPersonRepository(db: SqliteDatabase) {
  const insert = db.prepare('INSERT INTO persons (id, name, time_zone, details, created_at) VALUES (?, ?, ?, ?, ?)')
  const byId = db.prepare<[string], Row>('SELECT * FROM persons WHERE id = ?')
  const all = db.prepare<[number], Row>('SELECT * FROM persons ORDER BY name LIMIT ?')
  const update = db.prepare('UPDATE persons SET name = ?, details = ? WHERE id = ?')
  const someOf = db.prepare<[string], Row>('SELECT * FROM persons WHERE id IN (SELECT value FROM json_each(?)) ORDER BY name')
  const archive = db.prepare('UPDATE persons SET archived_at = ?, archived_by = ?, archive_reason = ? WHERE id = ? AND archived_at IS NULL')
  const unarchive = db.prepare('UPDATE persons SET archived_at = NULL, archived_by = NULL, archive_reason = NULL WHERE id = ? AND archived_at IS NOT NULL')
  const archivedAt = db.prepare<[string], { archived_at: number | null }>('SELECT archived_at FROM persons WHERE id = ?')
  // Asked by the rules on every reading: kept a while, and forgotten here on every change.
  const archivedCache = createExpiringCache<string, boolean>(30_000)
  return {
    create(body: CreatePersonBody, nowMs: number): PersonRecord {
      const id = `p-${randomBytes(6).toString('hex')}`
      const { name, timeZone, ...details } = body
      insert.run(id, name, timeZone, JSON.stringify(details), nowMs)
      return toRecord({ id, name, time_zone: timeZone, details: JSON.stringify(details), created_at: nowMs, archived_at: null, archived_by: null, archive_reason: null })
    },
    get(id: string): PersonRecord | undefined {
      const row = byId.get(id)
      return row ? toRecord(row) : undefined
    },
    /** Changes who the person is (name, address, contacts, notes); the time zone has its own versioned path. */
    update(id: string, change: Partial<Omit<CreatePersonBody, 'timeZone'>>): PersonRecord | undefined {
      const row = byId.get(id)
      if (!row) return undefined
      const { id: _id, createdAt: _createdAt, archivedAt: _at, archivedBy: _by, archiveReason: _reason, ...current } = toRecord(row)
      const { name, timeZone: _timeZone, ...details } = { ...current, ...change }
      update.run(name, JSON.stringify(details), id)
      return toRecord(byId.get(id) as Row)
    },
    list(limit = 1000): PersonRecord[] {
      return all.all(limit).map(toRecord)
    },
    /** The people with these ids, by name: those in one user's circles, archived or not. */
    listByIds(ids: Iterable<string>): PersonRecord[] {
      return someOf.all(JSON.stringify([...ids])).map(toRecord)
    },
    /** Archives a person now, for the reason given; false when they are archived already (or unknown). */
    archive(id: string, reason: string, by: string, nowMs: number): boolean {
      archivedCache.delete(id)
      return archive.run(nowMs, by, reason, id).changes > 0
    },
    /** Brings an archived person back; false when they were not archived. */
    unarchive(id: string): boolean {
      archivedCache.delete(id)
      return unarchive.run(id).changes > 0
    },
    /** Whether the person is archived: out of monitoring. Another process's change is seen within 30 s. */
    isArchived(id: string): boolean {
      const known = archivedCache.get(id)
      if (known !== undefined) return known
      const archived = (archivedAt.get(id)?.archived_at ?? null) !== null
      archivedCache.set(id, archived)
      return archived
    },
  }
}
