import type { Basis, Organisation, OrganisationKind, Role, Scope } from '../contract/index.js'
import { ApiClient } from '../simulators/api-client.js'
import { createDemoPlans } from './demo-plans.js'

/**
 * The demo's circles of care (docs/circles-of-care.md), made through the HTTP API as any
 * integration would: the organisations that stand around the demo's people, a user of each kind
 * to sign in as, and each organisation's place in the circles with its scopes and basis.
 */
export interface DemoCirclesOptions {
  apiUrl: string
  admin: { username: string; password: string }
  /** The people the simulated homes created, the first of them the demo's own story. */
  personIds: readonly string[]
  /** The one password every demo user signs in with. */
  password: string
  /** How many of the people the visiting organisations join: the rest show that outsiders see nothing. */
  circlePeople?: number
}

export interface DemoAccount {
  username: string
  displayName: string
  organisation: string
  role: Role
  sees: string
}

export interface DemoCircles {
  organisations: Organisation[]
  accounts: DemoAccount[]
  /** The people the visiting organisations joined. */
  circlePersonIds: string[]
}

/** The monitoring telecare service every user of a data folder belongs to before any other exists. */
const TELECARE_ID = 'o-hearth'

type Visitor = 'nursing' | 'surgery' | 'council' | 'housing' | 'charity'

/** Organisations that join the circles by consent, with what each needs for its part in the care. */
const VISITORS: ReadonlyArray<{ key: Visitor; name: string; kind: OrganisationKind; relationship: string; scopes: Scope[] }> = [
  {
    key: 'nursing',
    name: 'Riverside Community Nursing',
    kind: 'nhs-health',
    relationship: 'district nursing team',
    scopes: ['alerts', 'vitals', 'medical-notes', 'care-settings', 'contacts', 'timeline', 'notes:write', 'absences:write'],
  },
  { key: 'surgery', name: 'Castle Street Surgery', kind: 'gp-practice', relationship: 'GP practice', scopes: ['alerts', 'vitals', 'medical-notes', 'care-settings', 'timeline', 'notes:write'] },
  {
    key: 'council',
    name: 'Northshire Adult Social Care',
    kind: 'social-work',
    relationship: 'social work team',
    scopes: ['alerts', 'care-settings', 'contacts', 'timeline', 'notes:write', 'absences:write'],
  },
  { key: 'housing', name: 'Northshire Homes', kind: 'housing', relationship: 'housing warden', scopes: ['alerts', 'contacts', 'access-details', 'timeline', 'notes:write'] },
  { key: 'charity', name: 'Age Friends Northshire', kind: 'voluntary', relationship: 'befriending service', scopes: ['alerts', 'timeline', 'notes:write'] },
]

const FAMILY_SCOPES: Scope[] = ['alerts', 'vitals', 'care-settings', 'contacts', 'timeline', 'notes:write', 'absences:write']

interface Story {
  all: number
  circle: number
  first: { name: string; lastName: string; username: string }
}

type Where = Visitor | 'telecare' | 'family'
const WHERE_ORDER: readonly Where[] = ['telecare', ...VISITORS.map((v) => v.key), 'family']

/** One user of each kind; `sees` is what the demo tells them they will find. */
const USERS: ReadonlyArray<{ username: (s: Story) => string; displayName: (s: Story) => string; where: Where; role: Role; email?: string; sees: (s: Story) => string }> = [
  { username: () => 'responder', displayName: () => 'Rhys Morgan', where: 'telecare', role: 'responder', sees: (s) => `all ${s.all} people: the alert queue, every detail, key-safe codes on request` },
  {
    username: () => 'supervisor',
    displayName: () => 'Priya Shah',
    where: 'telecare',
    role: 'supervisor',
    email: 'priya.shah@hearth.example.org',
    sees: (s) => `all ${s.all} people; adds and ends members of their circles; emailed of alarms nobody answers`,
  },
  { username: () => 'nurse', displayName: () => 'Nia Roberts', where: 'nursing', role: 'clinician', sees: (s) => `${s.circle} people: vital signs, medical notes, care settings, notes` },
  { username: () => 'nurse.admin', displayName: () => 'Owen Price', where: 'nursing', role: 'org-admin', sees: (s) => `the nursing team's users; alerts and timeline of ${s.circle} people` },
  { username: () => 'gp', displayName: () => 'Dr Amir Khan', where: 'surgery', role: 'clinician', sees: (s) => `${s.circle} people: vital signs, medical notes, care settings` },
  { username: () => 'social.worker', displayName: () => 'Beth Collins', where: 'council', role: 'social-worker', sees: (s) => `${s.circle} people: alerts, care settings, contacts; no medical notes` },
  { username: () => 'warden', displayName: () => 'Gareth Lloyd', where: 'housing', role: 'housing-officer', sees: (s) => `${s.circle} people: alerts, contacts, key-safe code; no vital signs` },
  { username: () => 'befriender', displayName: () => 'Joyce Bell', where: 'charity', role: 'volunteer', sees: (s) => `${s.circle} people: alerts, the timeline and notes only` },
  { username: () => 'daughter', displayName: (s) => `Helen ${s.first.lastName}`, where: 'family', role: 'family-carer', sees: (s) => `${s.first.name} on the Family page: all well, or the alarm live` },
  { username: (s) => s.first.username, displayName: (s) => s.first.name, where: 'family', role: 'person', sees: () => 'My record: their circle, who looked, every alarm' },
]

/** A signed-in JSON client for the few calls the demo makes. */
async function signIn(apiUrl: string, username: string, password: string) {
  const client = new ApiClient(apiUrl)
  await client.login(username, password)
  return <T>(method: string, path: string, body?: unknown): Promise<T> => client.request<T>(method, path, body)
}

function storyOf(name: string, all: number, circle: number): Story {
  const lastName = name.split(' ').slice(1).join(' ') || name
  const username = name.toLowerCase().replace(/[^a-z0-9]+/g, '.').replace(/^\.|\.$/g, '') || 'person'
  return { all, circle, first: { name, lastName, username } }
}

type Call = Awaited<ReturnType<typeof signIn>>
type Made = Record<Where, Organisation>

/** Makes the organisations, users and circles of the demo; the first person's circle holds every kind of member. */
export async function createDemoCircles(options: DemoCirclesOptions): Promise<DemoCircles> {
  const [firstId] = options.personIds
  if (firstId === undefined) throw new Error('the demo circles need at least one person')
  const call = await signIn(options.apiUrl, options.admin.username, options.admin.password)
  const circlePersonIds = options.personIds.slice(0, options.circlePeople ?? 5)
  const first = await call<{ name: string }>('GET', `/api/persons/${encodeURIComponent(firstId)}`)
  const story = storyOf(first.name, options.personIds.length, circlePersonIds.length)
  const made = await createOrganisations(call, story)
  const { accounts, userIds } = await createUsers(call, made, story, firstId, options.password)
  await call('PATCH', `/api/persons/${encodeURIComponent(firstId)}`, {
    address: '14 Mill Lane, Riverside, Northshire NS3 4AB',
    medicalNotes: 'Atrial fibrillation, on apixaban. Type 2 diabetes, diet controlled. Hard of hearing on the left.',
    contacts: [{ name: `Helen ${story.first.lastName}`, relationship: 'daughter', phone: '07700 900123', keyHolder: true }],
    accessDetails: 'Key safe to the left of the front door, code 4721. Chain on the door at night: the warden has the spare.',
  })
  for (const [index, personId] of circlePersonIds.entries()) await joinCircle(call, personId, made, index === 1)
  // Family stand in a circle as themselves (docs/circles-of-care.md), not as their organisation.
  const daughter = { userId: userIds.daughter, relationship: 'daughter', scopes: FAMILY_SCOPES, basis: 'consent' }
  await call('POST', `/api/persons/${encodeURIComponent(firstId)}/circle`, daughter)
  await createDemoPlans(call, options.personIds)
  return { organisations: WHERE_ORDER.map((w) => made[w]), accounts, circlePersonIds }
}

/** The visiting organisations and the first person's family, beside the telecare service already there. */
async function createOrganisations(call: Call, story: Story): Promise<Made> {
  const { organisations: existing } = await call<{ organisations: Organisation[] }>('GET', '/api/organisations')
  const telecare = existing.find((o) => o.id === TELECARE_ID)
  if (!telecare) throw new Error(`no organisation ${TELECARE_ID}: the people's monitoring service`)
  const made: Partial<Made> = { telecare }
  for (const v of VISITORS) made[v.key] = await call<Organisation>('POST', '/api/organisations', { name: v.name, kind: v.kind })
  made.family = await call<Organisation>('POST', '/api/organisations', { name: `The ${story.first.lastName} family`, kind: 'family' })
  return made as Made
}

async function createUsers(call: Call, made: Made, story: Story, firstId: string, password: string) {
  const accounts: DemoAccount[] = []
  const userIds: Record<string, string> = {}
  for (const u of USERS) {
    const organisation = made[u.where]
    const body = {
      username: u.username(story),
      password,
      displayName: u.displayName(story),
      organisationId: organisation.id,
      roles: [u.role],
      ...(u.role === 'person' ? { personId: firstId } : {}),
      ...(u.email === undefined ? {} : { email: u.email }),
    }
    userIds[body.username] = (await call<{ id: string }>('POST', '/api/users', body)).id
    accounts.push({ username: body.username, displayName: body.displayName, organisation: organisation.name, role: u.role, sees: u.sees(story) })
  }
  return { accounts, userIds }
}

/**
 * Each visiting organisation joins by the person's consent; for one person, who cannot give it,
 * by the consent of their son under a lasting power of attorney.
 */
async function joinCircle(call: Call, personId: string, made: Made, byProxy: boolean): Promise<void> {
  const basis: Basis = byProxy ? 'proxy-consent' : 'consent'
  for (const v of VISITORS) {
    await call('POST', `/api/persons/${encodeURIComponent(personId)}/circle`, {
      organisationId: made[v.key].id,
      relationship: v.relationship,
      scopes: v.scopes,
      basis,
      ...(byProxy ? { proxy: { name: 'Their son, David', authority: 'lasting-power-of-attorney' } } : {}),
    })
  }
}
