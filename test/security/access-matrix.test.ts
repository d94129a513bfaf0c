import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TestApi, signedInUser } from '../../harness/test-platform.js'
import { ACCESS_DETAILS, MEDICAL_NOTES, REDUCED, ROLES, SCOPES, World, enrol, type Caller, type Kind, type Place, type Role, type Scope } from '../helpers/access-matrix-world.js'

/*
 * Who may call what. One row per /api route the dashboard serves; a route without a row fails the
 * first test below. To add one: copy the row of a route like it, name the roles allowed at each
 * place, and say what the request is about (`params`) and what it sends (`body`).
 *
 * Places (test/helpers/access-matrix-world.ts): about a person, `full` (in their circle with every
 * scope; for role `person` their own record), `reduced` (in it without medical notes, access
 * details, vital signs or planning absences) and `outside`; about a user, `own-org` and
 * `other-org`; `any` for a request about nobody. Everyone not allowed is refused: 403 when their
 * roles do not pass the route's `gate` (wherever the person is), otherwise 404 outside (`hidden`)
 * and 403 inside (`refused`). Every role is a user of one telecare organisation.
 *
 * The role lists are written out by hand from docs/security.md and docs/circles-of-care.md, never
 * imported from the policy they check.
 */

const EVERYONE: readonly Role[] = ROLES
const NOBODY: readonly Role[] = []
const ADMIN: readonly Role[] = ['admin']
/** The alarm desk: alerts, the queue, devices, service figures. */
const DESK: readonly Role[] = ['admin', 'supervisor', 'responder']
/** Provision devices and change a person's details (in an organisation monitoring them). */
const PROVISIONERS: readonly Role[] = ['admin', 'supervisor']
const CIRCLE_ADMINS: readonly Role[] = ['admin', 'org-admin', 'supervisor']
const PERSON_WRITERS: readonly Role[] = ['admin', 'org-admin', 'supervisor']
const USER_ADMINS: readonly Role[] = ['admin', 'org-admin']
/** Webhooks: the platform admin, and organisation admins for their own organisation. */
const WEBHOOK_ADMINS: readonly Role[] = ['admin', 'org-admin']
/** Thresholds and care settings are clinical decisions. */
const CLINICAL: readonly Role[] = ['admin', 'clinician']
const BREAK_GLASS: readonly Role[] = ['admin', 'supervisor', 'responder', 'clinician']
/** Call scripts are the service's own: its supervisors write them. */
const SCRIPT_EDITORS: readonly Role[] = ['admin', 'supervisor']

/** Who holds each scope with every scope granted: what each role's work needs. */
const HOLD: Record<Scope, readonly Role[]> = {
  alerts: EVERYONE,
  timeline: EVERYONE,
  'notes:write': EVERYONE.filter((role) => role !== 'org-admin'),
  'care-settings': ['admin', 'supervisor', 'responder', 'clinician', 'social-worker', 'family-carer', 'person'],
  'absences:write': ['admin', 'supervisor', 'responder', 'clinician', 'social-worker', 'family-carer', 'person'],
  vitals: ['admin', 'supervisor', 'responder', 'clinician', 'social-worker', 'family-carer', 'person'],
  contacts: ['admin', 'supervisor', 'responder', 'clinician', 'social-worker', 'housing-officer', 'family-carer', 'person'],
  'medical-notes': ['admin', 'supervisor', 'responder', 'clinician', 'person'],
  'access-details': ['admin', 'supervisor', 'responder', 'housing-officer', 'person'],
}
/** Who holds the scope at the reduced place. */
const reduced = (scope: Scope): readonly Role[] => (REDUCED.includes(scope) ? HOLD[scope] : NOBODY)

/** Fields of a person's record and the scope each needs; `accessDetails` is never in a record. */
const FIELDS = { medicalNotes: 'medical-notes', contacts: 'contacts', hasAccessDetails: 'access-details', accessDetails: null } as const
type Field = keyof typeof FIELDS
const RECORD_FIELDS = Object.keys(FIELDS) as Field[]

interface Row {
  /** As the router spells it. */
  route: string
  allowed: Partial<Record<Place, readonly Role[]>>
  /** The status of success (200 unless given). */
  ok?: number
  gate?: readonly Role[]
  hidden?: number
  refused?: number
  /** What the request is about: the route's parameters. */
  params?: (w: World, place: Place) => Promise<Record<string, string>> | Record<string, string>
  query?: string
  body?: (w: World, place: Place, me: Caller) => unknown
  /** What a successful request uses up. */
  consumes?: Kind
  /** `none`: sent by nobody signed in; `fresh`: on a session of its own (it ends one). */
  session?: 'none' | 'fresh'
  /** Puts back what a successful request changed. */
  undo?: (w: World, me: Caller) => Promise<void>
  /** Record fields that must be there exactly when the caller may read them. */
  fields?: readonly Field[]
  check?: (body: any, w: World, role: Role) => void
  /** What an API token gets wherever its roles pass the gate: for what only a person signed in does. */
  viaToken?: number
}

const person = (w: World, place: Place) => ({ id: w.person(place) })
const fresh = (kind: Kind, param = 'id') => async (w: World, place: Place) => ({ ...(kind === 'alert' || kind === 'device' || kind === 'token' ? {} : person(w, place)), [param]: await w.fresh(kind, place) })
const user = (w: World, place: Place) => ({ id: w.users[place as 'own-org' | 'other-org'] })
const noneAbout = (list: string) => (body: any, w: World) => expect(JSON.stringify(body[list])).not.toContain(w.persons.outside)
/** An archive's answer: whether the person is archived now, and nothing of their record. */
const archiveState = (archived: boolean) => (body: any) => {
  expect(body.archivedAt === null).toBe(!archived)
  for (const field of RECORD_FIELDS) expect(body).not.toHaveProperty(field)
}
const NEW_PASSWORD = 'Quiet-Harbour-Lantern-Moss-73'
const HOUR = 3_600_000
const MATRIX_WEBHOOK = { url: 'http://127.0.0.1:9/matrix', events: ['alert.resolved'] }
const PLAN_STEP = { name: 'Byron', relationship: 'son', phone: '07700 900001', email: 'byron@example.org' }
const planned = new Set<Place>()
/** An alert about a person with a response plan, so that a call can be logged against its first step. */
const alertWithPlan = async (w: World, place: Place) => {
  if (place !== 'outside' && !planned.has(place)) {
    expect((await w.caller('supervisor').send('PUT', `/api/persons/${w.person(place)}/response-plan`, { steps: [PLAN_STEP], reason: 'agreed' })).status).toBe(200)
    planned.add(place)
  }
  return { id: await w.fresh('alert', place) }
}

/** Incidents: made with a fresh alert about the person, and put back in the queue after each request (a supervisor may). */
const withIncident = async (w: World, place: Place) => {
  if (place !== 'outside') await w.fresh('alert', place)
  return { personId: w.person(place) }
}
const releaseIncidents = async (w: World): Promise<void> => {
  for (const place of ['full', 'reduced'] as const) await w.caller('supervisor').send('POST', `/api/incidents/${w.person(place)}/release`, {})
}
/** Whom an incident is handed to: the world's responder, a colleague of every caller's organisation. */
let deskColleague = ''
const withColleague = async (w: World, place: Place) => {
  if (!deskColleague) {
    const users = (await w.caller('admin').send('GET', '/api/users')).body.users as Array<{ id: string; username: string }>
    deskColleague = users.find((u) => u.username === w.caller('responder').username)?.id ?? ''
  }
  return withIncident(w, place)
}

const ROWS: Row[] = [
  // Signing in and the caller's own account.
  { route: 'POST /api/auth/login', allowed: { any: EVERYONE }, session: 'none', body: (_w, _p, me) => ({ username: me.username, password: me.password }) },
  { route: 'GET /api/auth/me', allowed: { any: EVERYONE }, check: (body, _w, role) => expect(body.roles).toEqual([role]) },
  { route: 'POST /api/auth/logout', allowed: { any: EVERYONE }, ok: 204, session: 'fresh' },
  {
    route: 'POST /api/auth/password',
    allowed: { any: EVERYONE },
    ok: 204,
    session: 'fresh',
    viaToken: 401,
    body: (_w, _p, me) => ({ currentPassword: me.password, newPassword: NEW_PASSWORD }),
    undo: async (w, me) => {
      expect((await me.send('POST', '/api/auth/password', { currentPassword: NEW_PASSWORD, newPassword: me.password })).status).toBe(204)
      await w.renew(me)
    },
  },
  // Everyone may set up a second factor for their own account; an API token has no authenticator. Confirming and turning it off: below.
  { route: 'POST /api/auth/two-factor/setup', allowed: { any: EVERYONE }, viaToken: 401, check: (body) => expect(body.secret).toMatch(/^[A-Z2-7]{32}$/) },

  // People.
  {
    route: 'GET /api/persons',
    allowed: { any: EVERYONE },
    check: (body, w) => {
      expect(body.persons.map((p: { id: string }) => p.id)).toContain(w.persons.full)
      expect(body.persons.map((p: { id: string }) => p.id)).not.toContain(w.persons.outside)
      for (const p of body.persons) for (const field of RECORD_FIELDS) expect(p).not.toHaveProperty(field)
    },
  },
  { route: 'POST /api/persons', allowed: { any: PERSON_WRITERS }, ok: 201, fields: RECORD_FIELDS, body: () => ({ name: 'Eve New', medicalNotes: MEDICAL_NOTES, accessDetails: ACCESS_DETAILS, contacts: [{ name: 'Sam' }] }) },
  { route: 'GET /api/persons/:id', allowed: { full: EVERYONE, reduced: EVERYONE }, params: person, fields: RECORD_FIELDS },
  { route: 'PATCH /api/persons/:id', allowed: { full: PROVISIONERS, reduced: PROVISIONERS }, gate: PERSON_WRITERS, params: person, body: () => ({ phone: '01632 960123' }), fields: RECORD_FIELDS },
  {
    route: 'GET /api/persons/:id/access-details',
    allowed: { full: HOLD['access-details'], reduced: reduced('access-details') },
    params: person,
    check: (body) => expect(body.accessDetails).toBe(ACCESS_DETAILS),
  },
  { route: 'GET /api/persons/:id/timeline', allowed: { full: HOLD.timeline, reduced: reduced('timeline') }, params: person },
  { route: 'POST /api/persons/:id/notes', allowed: { full: HOLD['notes:write'], reduced: reduced('notes:write') }, ok: 201, params: person, body: () => ({ text: 'Called in, all well.' }) },
  // Archiving: by the circle admins of an organisation monitoring the person, never from outside the circle; the answer holds nothing of their health.
  {
    route: 'POST /api/persons/:id/archive',
    allowed: { full: CIRCLE_ADMINS, reduced: CIRCLE_ADMINS },
    gate: PERSON_WRITERS,
    params: fresh('archivable'),
    body: () => ({ reason: 'moved into residential care' }),
    consumes: 'archivable',
    check: archiveState(true),
  },
  {
    route: 'POST /api/persons/:id/unarchive',
    allowed: { full: CIRCLE_ADMINS, reduced: CIRCLE_ADMINS },
    gate: PERSON_WRITERS,
    params: fresh('archived'),
    body: () => ({ reason: 'back home' }),
    consumes: 'archived',
    check: archiveState(false),
  },

  // What matters to the person and their response plan: written by the person and those who follow their care; the plan holds contact details.
  { route: 'GET /api/persons/:id/wishes', allowed: { full: HOLD.timeline, reduced: reduced('timeline') }, params: person },
  { route: 'GET /api/persons/:id/wishes/history', allowed: { full: HOLD.timeline, reduced: reduced('timeline') }, params: person },
  {
    route: 'PUT /api/persons/:id/wishes',
    allowed: { full: HOLD['care-settings'], reduced: reduced('care-settings') },
    params: person,
    body: () => ({ preferredName: 'Ada', communicationNeeds: ['speak slowly'], routine: { wake: '07:30', sleep: '22:30' }, reason: 'at her review' }),
  },
  { route: 'GET /api/persons/:id/response-plan', allowed: { full: HOLD.contacts, reduced: reduced('contacts') }, params: person },
  { route: 'GET /api/persons/:id/response-plan/history', allowed: { full: HOLD.contacts, reduced: reduced('contacts') }, params: person },
  { route: 'PUT /api/persons/:id/response-plan', allowed: { full: HOLD['care-settings'], reduced: reduced('care-settings') }, params: person, body: () => ({ steps: [PLAN_STEP], reason: 'agreed' }) },
  {
    route: 'GET /api/persons/:id/readings',
    allowed: { full: HOLD.vitals, reduced: reduced('vitals') },
    params: person,
    query: `?metric=heart_rate&from=${new Date(Date.now() - HOUR).toISOString()}&to=${new Date().toISOString()}`,
  },

  // Thresholds, care settings and absences.
  { route: 'GET /api/persons/:id/thresholds', allowed: { full: HOLD['care-settings'], reduced: reduced('care-settings') }, params: person },
  {
    route: 'PUT /api/persons/:id/thresholds',
    allowed: { full: CLINICAL, reduced: CLINICAL },
    gate: CLINICAL,
    params: person,
    body: () => ({ thresholds: [{ metric: 'heart_rate', above: 130, forSeconds: 120, priority: 'urgent' }], reason: 'reviewed at the clinic' }),
  },
  { route: 'GET /api/persons/:id/settings', allowed: { full: HOLD['care-settings'], reduced: reduced('care-settings') }, params: person },
  { route: 'PATCH /api/persons/:id/settings', allowed: { full: CLINICAL, reduced: CLINICAL }, gate: CLINICAL, params: person, body: (w) => ({ inactivityHours: 1 + (w.next() % 80) / 4, reason: 'sleeps late' }) },
  { route: 'GET /api/persons/:id/settings/history', allowed: { full: HOLD['care-settings'], reduced: reduced('care-settings') }, params: person },
  {
    route: 'POST /api/persons/:id/absences',
    allowed: { full: HOLD['absences:write'], reduced: reduced('absences:write') },
    ok: 201,
    params: person,
    body: () => ({ from: new Date(Date.now() + 40 * 24 * HOUR).toISOString(), to: new Date(Date.now() + 41 * 24 * HOUR).toISOString(), reason: 'on holiday' }),
  },
  // Absences say where the person is: for those who follow care settings or plan absences.
  { route: 'GET /api/persons/:id/absences', allowed: { full: HOLD['care-settings'], reduced: reduced('care-settings') }, params: person },
  { route: 'POST /api/persons/:id/absences/:absenceId/end', allowed: { full: HOLD['absences:write'], reduced: reduced('absences:write') }, params: fresh('absence', 'absenceId'), consumes: 'absence' },

  // The circle, consent, who looked, alarms, emergency access. The platform admin sets circles up for anyone.
  { route: 'GET /api/persons/:id/circle', allowed: { full: EVERYONE, reduced: EVERYONE, outside: ADMIN }, params: person },
  {
    route: 'POST /api/persons/:id/circle',
    allowed: { full: CIRCLE_ADMINS, reduced: CIRCLE_ADMINS, outside: ADMIN },
    ok: 201,
    params: person,
    body: (w) => ({ organisationId: w.orgs.spare, relationship: 'befriending service', scopes: ['timeline'], basis: 'consent' }),
  },
  { route: 'DELETE /api/persons/:id/circle/:membershipId', allowed: { full: CIRCLE_ADMINS, reduced: CIRCLE_ADMINS, outside: ADMIN }, params: fresh('membership', 'membershipId'), consumes: 'membership' },
  {
    route: 'POST /api/persons/:id/circle/:membershipId/withdraw-consent',
    allowed: { full: [...CIRCLE_ADMINS, 'person'], reduced: CIRCLE_ADMINS },
    params: fresh('membership', 'membershipId'),
    body: () => ({ reason: 'no longer needed' }),
    consumes: 'membership',
  },
  { route: 'GET /api/persons/:id/access-log', allowed: { full: [...CIRCLE_ADMINS, 'person'], reduced: CIRCLE_ADMINS }, params: person },
  { route: 'GET /api/persons/:id/alarms', allowed: { full: HOLD.alerts, reduced: reduced('alerts') }, params: person },
  {
    route: 'POST /api/persons/:id/break-glass',
    allowed: { full: NOBODY, reduced: NOBODY, outside: BREAK_GLASS },
    ok: 201,
    gate: BREAK_GLASS,
    refused: 409,
    viaToken: 403,
    params: async (w, place) => ({ id: place === 'outside' ? await w.fresh('stranger', place) : w.person(place) }),
    body: () => ({ reason: 'fall detected, no answer on the phone' }),
    consumes: 'stranger',
  },

  // Devices. Someone outside the circle learns nothing about the person, not even that they exist (400 for an unknown person).
  { route: 'POST /api/devices', allowed: { full: PROVISIONERS, reduced: PROVISIONERS, outside: ADMIN }, ok: 201, gate: PROVISIONERS, hidden: 400, body: (w, place) => ({ type: 'door-sensor', personId: w.person(place) }) },
  { route: 'GET /api/devices', allowed: { any: DESK }, check: noneAbout('devices') },
  { route: 'GET /api/devices/:id', allowed: { full: DESK, reduced: DESK }, gate: DESK, params: fresh('device') },
  { route: 'DELETE /api/devices/:id', allowed: { full: PROVISIONERS, reduced: PROVISIONERS, outside: ADMIN }, gate: PROVISIONERS, params: fresh('device'), consumes: 'device' },
  {
    route: 'POST /api/devices/:id/secret',
    allowed: { full: PROVISIONERS, reduced: PROVISIONERS, outside: ADMIN },
    gate: PROVISIONERS,
    params: fresh('device'),
    body: () => ({}),
    check: (body) => expect(body.secret).toEqual(expect.any(String)),
  },
  // Moved to another person at the same place (below: never to someone the mover may not provision for).
  {
    route: 'PATCH /api/devices/:id',
    allowed: { full: PROVISIONERS, reduced: PROVISIONERS, outside: ADMIN },
    gate: PROVISIONERS,
    params: fresh('device'),
    body: (w, place) => ({ personId: w.neighbour(place) }),
    consumes: 'device',
    check: (body, w) => expect(Object.values(w.neighbours)).toContain(body.personId),
  },

  // Alerts.
  { route: 'GET /api/alerts', allowed: { any: DESK }, check: noneAbout('alerts') },
  { route: 'GET /api/alerts/queue', allowed: { any: DESK }, check: noneAbout('alerts') },
  { route: 'GET /api/alerts/kinds', allowed: { any: DESK } },
  { route: 'GET /api/alerts/:id', allowed: { full: HOLD.alerts, reduced: reduced('alerts') }, params: fresh('alert') },
  { route: 'POST /api/alerts/:id/acknowledge', allowed: { full: DESK, reduced: DESK }, gate: DESK, params: fresh('alert'), consumes: 'alert' },
  { route: 'POST /api/alerts/:id/resolve', allowed: { full: DESK, reduced: DESK }, gate: DESK, params: fresh('alert'), body: () => ({ outcome: 'false-alarm' }), consumes: 'alert' },
  { route: 'POST /api/alerts/:id/notes', allowed: { full: DESK, reduced: DESK }, ok: 201, gate: DESK, params: fresh('alert'), body: () => ({ text: 'Rang back, all well.' }) },
  { route: 'GET /api/alerts/:id/calls', allowed: { full: HOLD.alerts, reduced: reduced('alerts') }, params: fresh('alert') },
  { route: 'POST /api/alerts/:id/calls', allowed: { full: DESK, reduced: DESK }, ok: 201, gate: DESK, params: alertWithPlan, body: () => ({ step: 0, outcome: 'no-answer' }) },
  // Incidents: held by people on duty, never by an integration.
  { route: 'GET /api/incidents', allowed: { any: DESK }, check: noneAbout('incidents') },
  {
    route: 'POST /api/incidents/take-next',
    allowed: { any: DESK },
    viaToken: 403,
    params: async (w) => withIncident(w, 'full'),
    undo: async (w) => {
      await releaseIncidents(w)
      // Its alerts were acknowledged: later requests get new ones.
      w.spent('alert', 'full')
      w.spent('alert', 'reduced')
    },
    check: (body, w) => expect(body.personId).not.toBe(w.persons.outside),
  },
  { route: 'POST /api/incidents/:personId/take', allowed: { full: DESK, reduced: DESK }, gate: DESK, viaToken: 403, params: withIncident, body: () => ({}), consumes: 'alert', undo: releaseIncidents },
  {
    route: 'POST /api/incidents/:personId/transfer',
    allowed: { full: DESK, reduced: DESK },
    gate: DESK,
    viaToken: 403,
    params: withColleague,
    body: () => ({ toUserId: deskColleague, note: 'matrix' }),
    undo: releaseIncidents,
  },
  {
    route: 'GET /api/incidents/:personId/colleagues',
    allowed: { full: DESK, reduced: DESK },
    gate: DESK,
    viaToken: 403,
    params: (w, place) => ({ personId: w.person(place) }),
    check: (body, w) => expect(body.colleagues.map((c: { userId: string }) => c.userId)).not.toContain(w.users['other-org']),
  },
  { route: 'POST /api/incidents/:personId/release', allowed: { full: DESK, reduced: DESK }, gate: DESK, viaToken: 403, params: withIncident, body: () => ({}) },
  { route: 'GET /api/alerts/:id/follow-ups', allowed: { full: HOLD.alerts, reduced: reduced('alerts') }, params: fresh('alert') },
  { route: 'POST /api/alerts/:id/follow-ups', allowed: { full: DESK, reduced: DESK }, ok: 201, gate: DESK, params: fresh('alert'), body: () => ({ inMinutes: 120, note: 'Ring back to check.' }) },
  { route: 'DELETE /api/follow-ups/:id', allowed: { full: DESK, reduced: DESK }, gate: DESK, params: fresh('follow-up'), consumes: 'follow-up' },
  { route: 'GET /api/alerts/:id/attendance', allowed: { full: HOLD.alerts, reduced: reduced('alerts') }, params: fresh('alert') },
  { route: 'POST /api/alerts/:id/attendance', allowed: { full: DESK, reduced: DESK }, ok: 201, gate: DESK, params: fresh('alert'), body: () => ({ event: 'arrived', by: 'Sam Mobile' }) },
  { route: 'POST /api/alerts/:id/script-answers', allowed: { full: DESK, reduced: DESK }, ok: 201, gate: DESK, params: fresh('alert'), body: () => ({ answers: [{ question: 'Are you hurt?', answer: 'No' }] }) },
  { route: 'GET /api/call-scripts', allowed: { any: DESK } },
  { route: 'PUT /api/call-scripts/:kind', allowed: { any: SCRIPT_EDITORS }, params: () => ({ kind: 'fall.detected' }), body: () => ({ questions: ['Are you hurt?', 'Can you get up?'], reason: 'matrix' }) },
  { route: 'GET /api/absences/in-force', allowed: { any: DESK } },
  { route: 'GET /api/figures/answer-times', allowed: { any: DESK }, query: `?from=${new Date(Date.now() - 24 * HOUR).toISOString()}&to=${new Date().toISOString()}` },

  // Organisations, users, tokens and the audit chain.
  { route: 'GET /api/organisations', allowed: { any: EVERYONE } },
  { route: 'POST /api/organisations', allowed: { any: ADMIN }, ok: 201, body: (w) => ({ name: w.uniqueName('Matrix organisation'), kind: 'voluntary' }) },
  { route: 'GET /api/users', allowed: { any: USER_ADMINS } },
  {
    route: 'POST /api/users',
    allowed: { 'own-org': USER_ADMINS, 'other-org': ADMIN },
    ok: 201,
    gate: USER_ADMINS,
    // An account with a password the caller chose is a way in for whoever holds a leaked token.
    viaToken: 403,
    hidden: 403,
    body: (w, place) => {
      const username = w.uniqueName('matrix.new')
      return { username, password: `${username}-password-1`, organisationId: place === 'own-org' ? w.orgs.home : w.orgs.monitor, roles: ['volunteer'] }
    },
  },
  { route: 'PATCH /api/users/:id', allowed: { 'own-org': USER_ADMINS, 'other-org': ADMIN }, gate: USER_ADMINS, params: user, body: () => ({ displayName: 'Tess Target' }) },
  { route: 'POST /api/users/:id/password', allowed: { 'own-org': USER_ADMINS, 'other-org': ADMIN }, ok: 204, gate: USER_ADMINS, viaToken: 403, params: user, body: () => ({ password: 'Copper-Kettle-Orchard-Rain-58' }) },
  { route: 'GET /api/users/:id', allowed: { 'own-org': USER_ADMINS, 'other-org': ADMIN }, gate: USER_ADMINS, params: user, check: (body, w) => expect(Object.values(w.users)).toContain(body.id) },
  { route: 'DELETE /api/users/:id', allowed: { 'own-org': USER_ADMINS, 'other-org': ADMIN }, ok: 204, gate: USER_ADMINS, params: fresh('user'), consumes: 'user' },
  // Taking a second factor away is for an admin signed in: a token that could, could take over any account with a password reset.
  { route: 'DELETE /api/users/:id/two-factor', allowed: { 'own-org': USER_ADMINS, 'other-org': ADMIN }, ok: 204, gate: USER_ADMINS, viaToken: 403, params: fresh('enrolled'), consumes: 'enrolled' },
  { route: 'GET /api/break-glass', allowed: { any: EVERYONE } },
  { route: 'POST /api/tokens', allowed: { any: ADMIN }, ok: 201, viaToken: 403, body: () => ({ name: 'matrix integration', roles: ['volunteer'] }) },
  { route: 'GET /api/tokens', allowed: { any: ADMIN }, viaToken: 403 },
  { route: 'DELETE /api/tokens/:id', allowed: { any: ADMIN }, ok: 204, viaToken: 403, params: fresh('token'), consumes: 'token' },
  { route: 'POST /api/audit/verify', allowed: { any: ADMIN } },

  // Webhooks, to a loopback port where nothing listens (nothing leaves the machine). Every caller is of one organisation.
  { route: 'GET /api/webhooks', allowed: { any: WEBHOOK_ADMINS } },
  { route: 'POST /api/webhooks', allowed: { any: WEBHOOK_ADMINS }, ok: 201, body: () => MATRIX_WEBHOOK, check: (body) => expect(body.secret).toMatch(/^whsec_/) },
  {
    route: 'DELETE /api/webhooks/:id',
    allowed: { any: WEBHOOK_ADMINS },
    ok: 204,
    params: async (w) => ({ id: (await w.caller('admin').send('POST', '/api/webhooks', MATRIX_WEBHOOK)).body.id as string }),
  },
]

/**
 * Routes checked by their own tests below rather than by a row, since a request needs what an
 * earlier one answered: confirming a second factor takes a code from the secret its set-up gave,
 * turning it off one of the recovery codes confirming gave.
 */
const APART = ['POST /api/auth/two-factor/confirm', 'DELETE /api/auth/two-factor']
/** Whose roles require two-factor sign-in, so that they cannot turn it off (docs/security.md). */
const TWO_FACTOR_REQUIRED: readonly Role[] = ['admin', 'org-admin', 'supervisor']

/** A row about a person is asked outside their circle too: nobody is allowed there but whom it names. */
const placesOf = (row: Row): Place[] => {
  const places = Object.keys(row.allowed) as Place[]
  return places.includes('full') && !places.includes('outside') ? [...places, 'outside'] : places
}

/** What `role` must be answered at `place`. */
function expected(row: Row, place: Place, role: Role): number {
  if (row.allowed[place]?.includes(role)) return row.ok ?? 200
  if (row.gate && !row.gate.includes(role)) return 403
  return place === 'outside' || place === 'other-org' ? (row.hidden ?? 404) : (row.refused ?? 403)
}

/** The scopes the caller's organisation (or the person's own account) holds at `place`. */
const granted = (place: Place): readonly Scope[] => (place === 'reduced' ? REDUCED : SCOPES)

async function send(w: World, row: Row, place: Place, caller: Caller): Promise<{ status: number; body: any }> {
  const [method, template] = row.route.split(' ') as [string, string]
  const me = row.session === 'none' ? w.anonymous(caller) : row.session === 'fresh' ? await w.freshSession(caller) : caller
  const params = (await row.params?.(w, place)) ?? {}
  const path = template.replace(/:(\w+)/g, (_all, name: string) => encodeURIComponent(params[name] ?? `no-${name}`)) + (row.query ?? '')
  const answer = await me.send(method, path, row.body?.(w, place, caller))
  if (answer.status < 300 && row.consumes) w.spent(row.consumes, place)
  if (answer.status < 300) await row.undo?.(w, me)
  return answer
}

/** Sends the row's request at each of its places and checks the status and, where allowed, what it shows. */
async function check(w: World, row: Row, caller: Caller, role: Role): Promise<void> {
  for (const place of placesOf(row)) {
    const answer = await send(w, row, place, caller)
    const passesGate = !row.gate || row.gate.includes(role)
    const want = caller.viaToken && row.viaToken !== undefined && passesGate ? row.viaToken : expected(row, place, role)
    expect(answer.status, `${row.route} at ${place}: ${JSON.stringify(answer.body)}`).toBe(want)
    if (answer.status >= 300) continue
    for (const field of row.fields ?? []) {
      const scope = FIELDS[field]
      const shown = scope !== null && HOLD[scope].includes(role) && granted(place).includes(scope)
      expect(field in answer.body, `${field} at ${place}`).toBe(shown)
    }
    row.check?.(answer.body, w, role)
  }
}

describe('the access matrix: every /api route, every role, every place in a circle', { timeout: 600_000 }, () => {
  let w: World

  beforeAll(async () => {
    w = await World.start()
  })
  afterAll(async () => {
    await w?.close()
  })

  it('has a row for every /api route the dashboard serves, and none for a route it does not', () => {
    const served = w.apiRoutes()
    const rows = [...ROWS.map((row) => row.route), ...APART]
    expect({ withoutRow: served.filter((route) => !rows.includes(route)), notServed: rows.filter((route) => !served.includes(route)) }).toEqual({ withoutRow: [], notServed: [] })
  })

  it('answers 401 to anyone not signed in, on every /api route but sign-in, and on routes that do not exist', async () => {
    const routes = [...w.apiRoutes().filter((route) => route !== 'POST /api/auth/login'), 'GET /api/no-such-route', 'DELETE /api/persons']
    const answers = await Promise.all(
      routes.map(async (route) => {
        const [method, path] = route.split(' ') as [string, string]
        const response = await fetch(`${w.t.httpUrl}${path.replace(/:\w+/g, 'p-1')}`, { method, headers: { 'content-type': 'application/json' }, body: method === 'GET' ? undefined : '{}' })
        return `${route} ${response.status}`
      }),
    )
    expect(answers).toEqual(routes.map((route) => `${route} 401`))
  })

  describe.each(ROLES)('as %s', (role) => {
    it.each(ROWS)('$route', async (row) => {
      await check(w, row, w.caller(role), role)
    })
  })

  const tokens: Array<{ token: string; roles: Role[]; like: Role }> = [
    { token: "its owner's roles", roles: ['admin'], like: 'admin' },
    { token: "a responder's roles", roles: ['responder'], like: 'responder' },
  ]
  describe.each(tokens)('an API token made by an admin with $token', ({ roles, like }) => {
    it.each(ROWS)('is allowed $route as a signed-in ' + like + ' is', async (row) => {
      await check(w, row, await w.tokenOf(w.caller('admin'), roles, like), like)
    })
  })

  it.each(ROLES)('lets a %s turn two-factor sign-in on for their own account, and off again unless their role requires it', async (role) => {
    const me = await w.newCaller(role)
    const recoveryCodes = await enrol((method, path, body) => me.send(method, path, body), me.password)
    expect((await me.send('GET', '/api/auth/me')).body.twoFactor.enabled).toBe(true)
    const off = await me.send('DELETE', '/api/auth/two-factor', { password: me.password, code: recoveryCodes[0] })
    const required = TWO_FACTOR_REQUIRED.includes(role)
    expect(off.status, JSON.stringify(off.body)).toBe(required ? 409 : 204)
    expect((await me.send('GET', '/api/auth/me')).body.twoFactor.enabled).toBe(required)
  })

  it.each(tokens)('answers an API token made by an admin with $token 401 on confirming or turning off two-factor sign-in: it has none', async ({ roles, like }) => {
    const token = await w.tokenOf(w.caller('admin'), roles, like)
    expect((await token.send('POST', '/api/auth/two-factor/confirm', { code: '123456', password: 'Quiet-Harbour-Lantern-Moss-73' })).status).toBe(401)
    expect((await token.send('DELETE', '/api/auth/two-factor', { password: 'Quiet-Harbour-Lantern-Moss-73', code: '123456' })).status).toBe(401)
  })

  it('moves a device only to a person its mover may provision devices for: anyone else does not exist for them', async () => {
    const supervisor = w.caller('supervisor')
    const id = await w.fresh('device', 'full')
    const moved = await supervisor.send('PATCH', `/api/devices/${id}`, { personId: w.neighbour('outside') })
    expect(moved.status, JSON.stringify(moved.body)).toBe(404)
    expect((await supervisor.send('GET', `/api/devices/${id}`)).body.personId).toBe(w.persons.full)
  })

  it.each([
    ['may no longer make tokens', { roles: ['supervisor'] }],
    ['is disabled', { disabled: true }],
  ])('stops an API token working once its owner %s', async (_why, change) => {
    const owner = await signedInUser(w.t, w.uniqueName('owner'), ['admin'], w.orgs.home)
    const made = await owner.api.request('POST', '/api/tokens', { name: 'care records', roles: ['responder'] })
    const integration = new TestApi(w.t.httpUrl)
    const queue = () => integration.request('GET', '/api/alerts/queue', undefined, { authorization: `Bearer ${made.body.token as string}` })
    expect((await queue()).status).toBe(200)
    expect((await w.t.api.request('PATCH', `/api/users/${owner.id}`, change)).status).toBe(200)
    expect((await queue()).status).toBe(401)
  })
})
