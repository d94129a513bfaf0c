import type { Basis, CircleMembership, Organisation, OrganisationKind, PersonNote, Scope } from '../contract/index.js'

/** The dashboard's ports for circles of care and accountability: organisations, memberships, emergency access, notes and the audit log. */

export interface Organisations {
  create(org: { name: string; kind: OrganisationKind }, nowMs: number): Organisation
  get(id: string): Organisation | undefined
  list(): Organisation[]
}

export interface NewMembership {
  personId: string
  organisationId?: string | undefined
  userId?: string | undefined
  relationship: string
  scopes: readonly Scope[]
  basis: Basis
  proxy?: { name: string; authority: string } | undefined
  fromMs: number
  toMs?: number | undefined
}

/** Who stands in each person's circle of care. */
export interface Circles {
  add(m: NewMembership, by: string, nowMs: number): CircleMembership
  get(id: string, nowMs: number): CircleMembership | undefined
  listForPerson(personId: string, nowMs: number): CircleMembership[]
  /** Memberships in force now that include this user: their organisation's (when given) and their own. */
  activeReaching(organisationId: string | null, userId: string, nowMs: number): CircleMembership[]
  end(id: string, by: string, reason: string, nowMs: number): CircleMembership
  /** Ends every membership the user holds in their own right; returns those it ended. */
  endAllOfUser(userId: string, by: string, reason: string, nowMs: number): CircleMembership[]
}

export interface BreakGlassRecord {
  id: string
  personId: string
  userId: string
  reason: string
  openedAtMs: number
  expiresAtMs: number
}

export interface BreakGlassGrants {
  open(grant: { personId: string; userId: string; reason: string; durationMs: number }, nowMs: number): BreakGlassRecord
  activeForPerson(personId: string, nowMs: number): BreakGlassRecord[]
  activeOfUser(userId: string, nowMs: number): BreakGlassRecord[]
  forPersonSince(personId: string, sinceMs: number): BreakGlassRecord[]
  since(sinceMs: number): BreakGlassRecord[]
}

export interface PersonNotes {
  add(note: Omit<PersonNote, 'id' | 'at'>, nowMs: number): PersonNote
  recentForPerson(personId: string, limit: number): PersonNote[]
}

export interface AuditEntry {
  at: number
  userId: string | null
  username: string | null
  organisationId: string | null
  role: string | null
  action: string
  personId: string | null
  target: string | null
  ip: string | null
  basis: string | null
  reason: string | null
}

export interface AuditRecordView extends AuditEntry {
  seq: number
}

type AuditVerificationView =
  | { ok: true; entries: number }
  | { ok: false; entries: number; firstBadEntry: { seq: number; at: string | null; action: string | null; problem: string } }

/** The append-only audit log: every read of a person's data and every action. */
export interface AuditTrail {
  append(entry: AuditEntry): number
  forPerson(personId: string, limit: number): AuditRecordView[]
}

/** Checks the whole audit chain (off the alarms' event loop: it takes seconds on a long log). */
export type AuditVerifier = () => Promise<AuditVerificationView>
