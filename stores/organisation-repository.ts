import { randomBytes } from 'node:crypto'
import type { Organisation, OrganisationKind } from '../contract/index.js'
import type { SqliteDatabase } from './open-database.js'

interface Row {
  id: string
  name: string
  kind: string
  created_at: number
}

const toOrganisation = (row: Row): Organisation => ({ id: row.id, name: row.name, kind: row.kind as OrganisationKind, createdAt: new Date(row.created_at).toISOString() })

/** The organisation everything made before organisations existed belongs to (operational-schema.ts, version 4). */
export const DEFAULT_ORGANISATION_ID = 'o-hearth'

/** Organisations: the telecare service, NHS teams, GP practices, councils, housing, voluntary groups, families. */
export function createOrganisationRepository(db: SqliteDatabase) {
  const insert = db.prepare('INSERT INTO organisations (id, name, kind, created_at) VALUES (?, ?, ?, ?)')
  const byId = db.prepare<[string], Row>('SELECT * FROM organisations WHERE id = ?')
  const all = db.prepare<[], Row>('SELECT * FROM organisations ORDER BY name')
  return {
    create(org: { name: string; kind: OrganisationKind }, nowMs: number): Organisation {
      const id = `o-${randomBytes(6).toString('hex')}`
      insert.run(id, org.name, org.kind, nowMs)
      return toOrganisation(byId.get(id) as Row)
    },
    get(id: string): Organisation | undefined {
      const row = byId.get(id)
      return row ? toOrganisation(row) : undefined
    },
    list: (): Organisation[] => all.all().map(toOrganisation),
  }
}
