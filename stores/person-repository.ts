import { randomBytes } from 'node:crypto'
import type { CreatePersonBody } from '../contract/index.js'
import type { SqliteDatabase } from './open-database.js'

export interface PersonRecord extends CreatePersonBody {
  id: string
  createdAt: string
}

interface Row {
  id: string
  name: string
  time_zone: string
  details: string
  created_at: number
}

function toRecord(row: Row): PersonRecord {
  const details = JSON.parse(row.details) as Omit<CreatePersonBody, 'name' | 'timeZone'>
  return { id: row.id, name: row.name, timeZone: row.time_zone, ...details, createdAt: new Date(row.created_at).toISOString() }
}

export function createPersonRepository(db: SqliteDatabase) {
  const insert = db.prepare('INSERT INTO persons (id, name, time_zone, details, created_at) VALUES (?, ?, ?, ?, ?)')
  const byId = db.prepare<[string], Row>('SELECT * FROM persons WHERE id = ?')
  const all = db.prepare<[number], Row>('SELECT * FROM persons ORDER BY name LIMIT ?')
  const update = db.prepare('UPDATE persons SET name = ?, details = ? WHERE id = ?')
  const someOf = db.prepare<[string], Row>('SELECT * FROM persons WHERE id IN (SELECT value FROM json_each(?)) ORDER BY name')
  return {
    create(body: CreatePersonBody, nowMs: number): PersonRecord {
      const id = `p-${randomBytes(6).toString('hex')}`
      const { name, timeZone, ...details } = body
      insert.run(id, name, timeZone, JSON.stringify(details), nowMs)
      return toRecord({ id, name, time_zone: timeZone, details: JSON.stringify(details), created_at: nowMs })
    },
    get(id: string): PersonRecord | undefined {
      const row = byId.get(id)
      return row ? toRecord(row) : undefined
    },
    /** Changes who the person is (name, address, contacts, notes); the time zone has its own versioned path. */
    update(id: string, change: Partial<Omit<CreatePersonBody, 'timeZone'>>): PersonRecord | undefined {
      const row = byId.get(id)
      if (!row) return undefined
      const current = toRecord(row)
      const { id: _id, createdAt: _createdAt, name, timeZone: _timeZone, ...details } = { ...current, ...change }
      update.run(name, JSON.stringify(details), id)
      return toRecord(byId.get(id) as Row)
    },
    list(limit = 1000): PersonRecord[] {
      return all.all(limit).map(toRecord)
    },
    /** The people with these ids, by name: those in one user's circles. */
    listByIds(ids: Iterable<string>): PersonRecord[] {
      return someOf.all(JSON.stringify([...ids])).map(toRecord)
    },
  }
}
