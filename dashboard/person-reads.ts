import { HearthError, ROLE_SCOPES, type PersonAccess, type Role, type Scope } from '../contract/index.js'
import type { Principal } from './access-policy.js'
import type { PersonView } from './ports.js'

/**
 * What a principal may read about a person, decided here and nowhere else: the person routes, the
 * alert views, lists and the live feed ask this module, and show only what it allows.
 *
 * A read needs a scope of the caller's place in the circle (their memberships, circle-access.ts)
 * and a role that holds the scope at all (ROLE_SCOPES). The reads below need more: a role whose
 * work needs them, whatever a membership grants. Data minimisation (UK GDPR art. 5(1)(c); Caldicott
 * principle 3, the minimum necessary): a befriender never reads medical notes, a housing warden
 * never vital signs, and only those who may have to let themselves in learn the key-safe code.
 */
const SENSITIVE_READ_ROLES = {
  /** Diagnoses and medication: those who treat the person, and those who answer their alarms (the ambulance asks). */
  'medical-notes': ['admin', 'supervisor', 'responder', 'clinician', 'person'],
  /** Vital signs and what a reading said: those who look after the person's health. */
  vitals: ['admin', 'supervisor', 'responder', 'clinician', 'social-worker', 'family-carer', 'person'],
  /** Family, friends and key-holders: those who may have to call them. */
  contacts: ['admin', 'supervisor', 'responder', 'clinician', 'social-worker', 'housing-officer', 'family-carer', 'person'],
  /** How to get in (the key-safe code): those who attend; revealed only on request, every look audited. */
  'access-details': ['admin', 'supervisor', 'responder', 'housing-officer', 'person'],
} as const satisfies Partial<Record<Scope, readonly Role[]>>

/**
 * Every read about a person beyond who they are (name, date of birth, address, phone, time zone,
 * for every member), and the scopes any one of which opens it.
 */
const READS = {
  medicalNotes: ['medical-notes'],
  contacts: ['contacts'],
  /** Whether there are access details, and (`GET /api/persons/{id}/access-details`, audited) what they say. */
  accessDetails: ['access-details'],
  /** Latest readings and series, and what an alert's reading said (a summary such as "Heart rate 134 above 120"). */
  vitals: ['vitals'],
  /** Alerts and how they were handled. */
  alerts: ['alerts'],
  /** The person's devices and what they sent (the timeline's events): they come with the alerts and vital signs they raise. */
  devices: ['alerts', 'vitals'],
  timeline: ['timeline'],
  /** Versions of the thresholds and care settings. */
  careSettings: ['care-settings'],
  /** Planned absences and their reasons (in hospital, away): for those who follow care settings or plan absences. */
  absences: ['care-settings', 'absences:write'],
  /** What matters to the person (PROTOCOL §2c): their goals, routine and wishes, for those who follow their day or their care. */
  wishes: ['timeline', 'care-settings'],
  /** How to speak to them (preferred name, communication needs): on every alert, for whoever may see it or what matters to them. */
  speakingTo: ['alerts', 'timeline', 'care-settings'],
  /** The response plan: names, phone numbers and emails of whom to call, which are contact details. */
  responsePlan: ['contacts'],
} as const satisfies Record<string, readonly Scope[]>

export type PersonReads = Record<keyof typeof READS, boolean>

const isSensitive = (scope: Scope): scope is keyof typeof SENSITIVE_READ_ROLES => scope in SENSITIVE_READ_ROLES

/** Whether a role may ever hold a scope: its ceiling, and for a sensitive read a role whose work needs it. */
export function roleMayHold(role: Role, scope: Scope): boolean {
  if (!ROLE_SCOPES[role].includes(scope)) return false
  return !isSensitive(scope) || (SENSITIVE_READ_ROLES[scope] as readonly Role[]).includes(role)
}

/** What this principal may read about one person, given their access to that person. */
export function personReads(principal: Pick<Principal, 'roles'>, access: PersonAccess): PersonReads {
  const opens = (scope: Scope): boolean => access.scopes.includes(scope) && principal.roles.some((role) => roleMayHold(role, scope))
  const reads = {} as PersonReads
  for (const [read, scopes] of Object.entries(READS) as Array<[keyof PersonReads, readonly Scope[]]>) reads[read] = scopes.some(opens)
  return reads
}

/** A person in a list: who they are, nothing more (medical notes, contacts and access details stay on their own page). */
export function listedPerson(person: PersonView): Omit<PersonView, 'medicalNotes' | 'contacts' | 'accessDetails'> {
  const { medicalNotes: _notes, contacts: _contacts, accessDetails: _access, ...listed } = person
  return listed
}

/**
 * A person's record as one reader may see it: who they are, and medical notes and contacts as far
 * as their reads allow. The access details never: only whether there are any, to those who may
 * ask for them.
 */
export function personRecordFor(person: PersonView, reads: PersonReads) {
  return {
    ...listedPerson(person),
    ...(reads.medicalNotes && person.medicalNotes !== undefined ? { medicalNotes: person.medicalNotes } : {}),
    ...(reads.contacts && person.contacts !== undefined ? { contacts: person.contacts } : {}),
    ...(reads.accessDetails ? { hasAccessDetails: Boolean(person.accessDetails) } : {}),
  }
}

/** The access details, for a reader who may have them (the caller audits the look); refused to anyone else. */
export function revealedAccessDetails(person: PersonView, reads: PersonReads): string | null {
  if (!reads.accessDetails) throw new HearthError('forbidden', 'access details are revealed to those who attend the person: responders, supervisors and housing officers in the circle')
  return person.accessDetails ?? null
}
