import { randomBytes } from 'node:crypto'
import type { PersonNote } from '../contract/index.js'
import type { SqliteDatabase } from './open-database.js'

interface Row {
  id: string
  person_id: string
  at: number
  text: string
  author_id: string
  author_name: string
  organisation_id: string
  organisation_name: string
  role: string
}

const toNote = (row: Row): PersonNote => ({
  id: row.id,
  personId: row.person_id,
  at: new Date(row.at).toISOString(),
  text: row.text,
  authorId: row.author_id,
  authorName: row.author_name,
  organisationId: row.organisation_id,
  organisationName: row.organisation_name,
  role: row.role,
})

/**
 * Notes on a person's record by any member of their circle. Each keeps its author's name,
 * organisation and role as they were when it was written, so each organisation keeps its identity.
 */
export function createPersonNoteRepository(db: SqliteDatabase) {
  const insert = db.prepare(
    'INSERT INTO person_notes (id, person_id, at, text, author_id, author_name, organisation_id, organisation_name, role) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  )
  const recent = db.prepare<[string, number], Row>('SELECT * FROM person_notes WHERE person_id = ? ORDER BY at DESC LIMIT ?')
  return {
    add(note: Omit<PersonNote, 'id' | 'at'>, nowMs: number): PersonNote {
      const id = `n-${randomBytes(6).toString('hex')}`
      insert.run(id, note.personId, nowMs, note.text, note.authorId, note.authorName, note.organisationId, note.organisationName, note.role)
      return { ...note, id, at: new Date(nowMs).toISOString() }
    },
    recentForPerson: (personId: string, limit: number): PersonNote[] => recent.all(personId, limit).map(toNote),
  }
}
