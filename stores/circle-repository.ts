import { randomBytes } from 'node:crypto'
import { HearthError, type Basis, type CircleMembership, type OrganisationKind, type Scope } from '../contract/index.js'
import type { NewMembership } from '../dashboard/ports.js'
import type { SqliteDatabase } from './open-database.js'

interface Row {
  id: string
  person_id: string
  organisation_id: string | null
  organisation_name: string | null
  organisation_kind: string | null
  user_id: string | null
  user_display_name: string | null
  relationship: string
  scopes: string
  basis: string
  proxy: string | null
  from_at: number
  to_at: number | null
  ended_at: number | null
  ended_by: string | null
  end_reason: string | null
  created_by: string
  created_at: number
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString())

/** In force at a time: started, not past its end date, not ended. */
function membershipActive(m: Pick<CircleMembership, 'from' | 'to' | 'endedAt'>, atMs: number): boolean {
  return Date.parse(m.from) <= atMs && (m.to === null || atMs < Date.parse(m.to)) && (m.endedAt === null || atMs < Date.parse(m.endedAt))
}

function toMembership(row: Row, nowMs: number): CircleMembership {
  const m: CircleMembership = {
    id: row.id,
    personId: row.person_id,
    organisationId: row.organisation_id,
    organisationName: row.organisation_name,
    organisationKind: row.organisation_kind as OrganisationKind | null,
    userId: row.user_id,
    userDisplayName: row.user_display_name,
    relationship: row.relationship,
    scopes: JSON.parse(row.scopes) as Scope[],
    basis: row.basis as Basis,
    proxy: row.proxy === null ? null : (JSON.parse(row.proxy) as { name: string; authority: string }),
    from: new Date(row.from_at).toISOString(),
    to: iso(row.to_at),
    endedAt: iso(row.ended_at),
    endedBy: row.ended_by,
    endReason: row.end_reason,
    active: false,
    createdBy: row.created_by,
    createdAt: new Date(row.created_at).toISOString(),
  }
  m.active = membershipActive(m, nowMs)
  return m
}

const SELECT = `SELECT m.*, o.name AS organisation_name, o.kind AS organisation_kind, u.display_name AS user_display_name
  FROM circle_memberships m LEFT JOIN organisations o ON o.id = m.organisation_id LEFT JOIN users u ON u.id = m.user_id`

/** The circle of care around each person: who stands in it, with what scopes, on what basis. */
export function createCircleRepository(db: SqliteDatabase) {
  const insert = db.prepare(
    `INSERT INTO circle_memberships (id, person_id, organisation_id, user_id, relationship, scopes, basis, proxy, from_at, to_at, created_by, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  )
  const byId = db.prepare<[string], Row>(`${SELECT} WHERE m.id = ?`)
  const ofPerson = db.prepare<[string], Row>(`${SELECT} WHERE m.person_id = ? ORDER BY m.created_at, m.rowid`)
  // What reaches one user: their organisation's memberships and their own, not yet ended.
  const reaching = db.prepare<[string | null, string], Row>(`${SELECT} WHERE m.ended_at IS NULL AND (m.organisation_id = ? OR m.user_id = ?)`)
  const end = db.prepare('UPDATE circle_memberships SET ended_at = ?, ended_by = ?, end_reason = ? WHERE id = ? AND ended_at IS NULL')
  const openOfUser = db.prepare<[string], Row>(`${SELECT} WHERE m.user_id = ? AND m.ended_at IS NULL`)

  return {
    add(m: NewMembership, by: string, nowMs: number): CircleMembership {
      const id = `m-${randomBytes(6).toString('hex')}`
      insert.run(
        id,
        m.personId,
        m.organisationId ?? null,
        m.userId ?? null,
        m.relationship,
        JSON.stringify([...new Set(m.scopes)]),
        m.basis,
        m.proxy ? JSON.stringify(m.proxy) : null,
        m.fromMs,
        m.toMs ?? null,
        by,
        nowMs,
      )
      return toMembership(byId.get(id) as Row, nowMs)
    },
    get(id: string, nowMs: number): CircleMembership | undefined {
      const row = byId.get(id)
      return row ? toMembership(row, nowMs) : undefined
    },
    /** Every membership, ended ones too, oldest first. */
    listForPerson(personId: string, nowMs: number): CircleMembership[] {
      return ofPerson.all(personId).map((row) => toMembership(row, nowMs))
    },
    /** The memberships in force now, across every circle, that include this user: their organisation's (when given) and their own. */
    activeReaching(organisationId: string | null, userId: string, nowMs: number): CircleMembership[] {
      return reaching
        .all(organisationId, userId)
        .map((row) => toMembership(row, nowMs))
        .filter((m) => m.active)
    },
    /** Ends a membership now; a membership already ended stays as it ended. */
    end(id: string, by: string, reason: string, nowMs: number): CircleMembership {
      const changed = end.run(nowMs, by, reason, id).changes
      const row = byId.get(id)
      if (!row) throw new HearthError('not_found', `no membership ${id}`)
      if (changed === 0) throw new HearthError('conflict', `membership ${id} has already ended`)
      return toMembership(row, nowMs)
    },
    /** Ends now every membership the user holds in their own right (not their organisation's); returns those it ended. */
    endAllOfUser(userId: string, by: string, reason: string, nowMs: number): CircleMembership[] {
      return openOfUser.all(userId).map((row) => {
        end.run(nowMs, by, reason, row.id)
        return toMembership(byId.get(row.id) as Row, nowMs)
      })
    },
  }
}
