/**
 * PROTOCOL §2b: organisations, roles, scopes and bases of the circle of care around each person.
 * What a user may see about a person is what their role may ever see, narrowed to the scopes of
 * the memberships that include them: a role alone grants nothing about a person.
 *
 * Plain values and types only (no zod), so that the browser bundle imports them as they are.
 */

export const ORGANISATION_KINDS = ['telecare', 'nhs-health', 'gp-practice', 'social-work', 'housing', 'voluntary', 'family'] as const
export type OrganisationKind = (typeof ORGANISATION_KINDS)[number]

export const ORGANISATION_KIND_LABELS: Record<OrganisationKind, string> = {
  telecare: 'Telecare service / alarm receiving centre',
  'nhs-health': 'NHS health team',
  'gp-practice': 'GP practice',
  'social-work': 'Council social work',
  housing: 'Housing provider',
  voluntary: 'Voluntary organisation',
  family: 'Family',
}

export const ROLES = [
  'admin',
  'org-admin',
  'supervisor',
  'responder',
  'clinician',
  'social-worker',
  'housing-officer',
  'volunteer',
  'family-carer',
  'person',
] as const
export type Role = (typeof ROLES)[number]

export const ROLE_LABELS: Record<Role, string> = {
  admin: 'Platform admin',
  'org-admin': 'Organisation admin',
  supervisor: 'Supervisor',
  responder: 'Responder',
  clinician: 'Clinician',
  'social-worker': 'Social worker / care coordinator',
  'housing-officer': 'Housing officer',
  volunteer: 'Volunteer',
  'family-carer': 'Family carer',
  person: 'The person (or their proxy)',
}

export const SCOPES = [
  'alerts',
  'vitals',
  'medical-notes',
  'care-settings',
  'contacts',
  'access-details',
  'timeline',
  'notes:write',
  'absences:write',
] as const
export type Scope = (typeof SCOPES)[number]

export const SCOPE_LABELS: Record<Scope, string> = {
  alerts: 'Alerts and how they were handled',
  vitals: 'Vital signs and charts',
  'medical-notes': 'Medical notes',
  'care-settings': 'Goals and care settings',
  contacts: 'Contacts and key-holders',
  'access-details': 'Access details (key-safe code), on request',
  timeline: 'The timeline',
  'notes:write': 'Writing notes',
  'absences:write': 'Planning absences',
}

export const BASES = ['consent', 'proxy-consent', 'direct-care'] as const
export type Basis = (typeof BASES)[number]

export const BASIS_LABELS: Record<Basis, string> = {
  consent: "the person's consent",
  'proxy-consent': "consent of the person's proxy",
  'direct-care': 'direct care in an emergency',
}

/**
 * The most each role may ever see or do about a person, whatever a membership grants. Data
 * minimisation: a befriender never reads medical notes, a housing warden never vital signs.
 */
export const ROLE_SCOPES: Record<Role, readonly Scope[]> = {
  admin: SCOPES,
  'org-admin': ['alerts', 'timeline'],
  supervisor: SCOPES,
  responder: SCOPES,
  clinician: ['alerts', 'vitals', 'medical-notes', 'care-settings', 'contacts', 'timeline', 'notes:write', 'absences:write'],
  'social-worker': ['alerts', 'vitals', 'care-settings', 'contacts', 'timeline', 'notes:write', 'absences:write'],
  'housing-officer': ['alerts', 'contacts', 'access-details', 'timeline', 'notes:write'],
  volunteer: ['alerts', 'timeline', 'notes:write'],
  'family-carer': ['alerts', 'vitals', 'care-settings', 'contacts', 'timeline', 'notes:write', 'absences:write'],
  person: SCOPES,
}

/** Roles that may hold an organisation's direct-care responsibility for a circle: they add and end its members. */
export const CIRCLE_ADMIN_ROLES: readonly Role[] = ['admin', 'org-admin', 'supervisor']

/** The organisations whose staff may use emergency access: those that give care in an emergency. */
export const BREAK_GLASS_ORGANISATION_KINDS: readonly OrganisationKind[] = ['telecare', 'nhs-health', 'gp-practice']

/** How long emergency access lasts. */
export const BREAK_GLASS_MS = 60 * 60_000

export interface Organisation {
  id: string
  name: string
  kind: OrganisationKind
  createdAt: string
}

/** One member of a person's circle: an organisation, or an individual (family, friends). */
export interface CircleMembership {
  id: string
  personId: string
  organisationId: string | null
  organisationName: string | null
  organisationKind: OrganisationKind | null
  userId: string | null
  userDisplayName: string | null
  relationship: string
  scopes: Scope[]
  basis: Basis
  proxy: { name: string; authority: string } | null
  from: string
  to: string | null
  endedAt: string | null
  endedBy: string | null
  endReason: string | null
  /** In force now: started, not past its end date, not ended. */
  active: boolean
  createdBy: string
  createdAt: string
}

/** How the caller reaches a person: what they may see and do, and on what basis. */
export interface PersonAccess {
  scopes: Scope[]
  /**
   * The basis of the membership that grants most, `self` for the person's own account,
   * `break-glass`, or `platform-admin` for the service operator setting up a circle or devices.
   */
  basis: Basis | 'self' | 'break-glass' | 'platform-admin'
  circleAdmin: boolean
  canActOnAlerts: boolean
  canEditCareSettings: boolean
  canEditPerson: boolean
  breakGlass: { id: string; reason: string; expiresAt: string } | null
}

/** One line of a person's access log (PROTOCOL §2b), newest first. */
export interface AccessLogEntry {
  seq: number
  at: string
  userId: string | null
  username: string | null
  displayName: string | null
  organisationId: string | null
  organisationName: string | null
  role: string | null
  action: string
  basis: string | null
  reason: string | null
  target: string | null
  ip: string | null
  breakGlass: boolean
}

export interface BreakGlassGrant {
  id: string
  personId: string
  personName: string
  userId: string
  displayName: string
  organisationName: string
  role: string
  reason: string
  openedAt: string
  expiresAt: string
}

/** A note on a person's record by any member of their circle, labelled with who wrote it. */
export interface PersonNote {
  id: string
  personId: string
  at: string
  text: string
  authorId: string
  authorName: string
  organisationId: string
  organisationName: string
  role: string
}
