/** A signed-in JSON call, as the demo makes them through the HTTP API. */
type Call = <T>(method: string, path: string, body?: unknown) => Promise<T>

/** A step of a response plan as PUT /api/persons/{id}/response-plan takes it (contract/response-plans.ts). */
interface PlanStep {
  name: string
  relationship: string
  phone: string
  email?: string
  availability?: Array<{ days: string[]; from: string; to: string }>
  alertKinds?: string[]
}

/** What matters to each demo person, in turn: goals, what helps them talk, and their day. */
const WISHES: ReadonlyArray<{ goals: string[]; communicationNeeds: string[]; routine: { wake: string; sleep: string } }> = [
  {
    goals: ['Stay in my own home with my garden', 'Walk to the shop on Saturdays'],
    communicationNeeds: ['Hard of hearing on the left: speak on my right, slowly'],
    routine: { wake: '07:30', sleep: '22:30' },
  },
  {
    goals: ['Keep going to the lunch club on Tuesdays', 'Manage my own medication'],
    communicationNeeds: ['Ring the doorbell twice and give me time to reach the door'],
    routine: { wake: '06:45', sleep: '21:30' },
  },
  {
    goals: ['See my grandchildren every weekend', 'Stay steady on my feet after the fall last winter'],
    communicationNeeds: ['Wears glasses: write things down in large print'],
    routine: { wake: '08:00', sleep: '23:00' },
  },
  {
    goals: ['Be independent at home for as long as I can'],
    communicationNeeds: ['Welsh is my first language; English is fine', 'Short questions, one at a time'],
    routine: { wake: '07:00', sleep: '22:00' },
  },
]

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri'] as const
const EVERY_DAY = [...WEEKDAYS, 'sat', 'sun'] as const

/** Family first names for the plans, and the relationship each has to the person. */
const FAMILY: ReadonlyArray<{ first: string; relationship: string }> = [
  { first: 'Helen', relationship: 'daughter' },
  { first: 'David', relationship: 'son' },
  { first: 'Sarah', relationship: 'niece' },
  { first: 'Mark', relationship: 'grandson' },
]

const slug = (text: string): string => text.toLowerCase().replace(/[^a-z0-9]+/g, '.').replace(/^\.|\.$/g, '')

/**
 * The person's response plan: a family member with an email (evenings and weekends when they
 * work), a neighbour during the day, the housing warden on weekdays, and for some a friend; 2 to 4
 * steps, numbers from Ofcom's range for drama (07700 900xxx).
 */
function planOf(name: string, index: number): PlanStep[] {
  const lastName = name.split(' ').slice(1).join(' ') || name
  const family = FAMILY[index % FAMILY.length] as (typeof FAMILY)[number]
  const phone = (n: number): string => `07700 900${String((index * 4 + n) % 1000).padStart(3, '0')}`
  const steps: PlanStep[] = [
    {
      name: `${family.first} ${lastName}`,
      relationship: family.relationship,
      phone: phone(1),
      email: `${slug(family.first)}.${slug(lastName)}@example.org`,
      availability: [
        { days: [...WEEKDAYS], from: '17:30', to: '23:00' },
        { days: ['sat', 'sun'], from: '08:00', to: '23:00' },
      ],
    },
    { name: 'Pat Evans', relationship: 'neighbour', phone: phone(2), availability: [{ days: [...EVERY_DAY], from: '08:00', to: '20:00' }] },
  ]
  if (index % 2 === 0) steps.push({ name: 'Gareth Lloyd', relationship: 'housing warden', phone: phone(3), availability: [{ days: [...WEEKDAYS], from: '09:00', to: '17:00' }], alertKinds: ['emergency', 'urgent'] })
  if (index % 3 === 0) steps.push({ name: 'Mo Ahmed', relationship: 'friend', phone: phone(4) })
  return steps
}

/**
 * Gives every demo person what matters to them (preferred name, goals, communication needs,
 * routine) and a response plan, through the same API as the dashboard, as the admin of the
 * monitoring service: each is a first version, with its reason, in the audit log.
 */
export async function createDemoPlans(call: Call, personIds: readonly string[]): Promise<void> {
  for (const [index, personId] of personIds.entries()) {
    const path = `/api/persons/${encodeURIComponent(personId)}`
    const { name } = await call<{ name: string }>('GET', path)
    const wishes = WISHES[index % WISHES.length] as (typeof WISHES)[number]
    const preferredName = name.split(' ')[0] ?? name
    await call('PUT', `${path}/wishes`, { preferredName, ...wishes, shareAlarmsWithFamily: index % 2 === 0, reason: `agreed with ${preferredName} at the first visit` })
    await call('PUT', `${path}/response-plan`, { steps: planOf(name, index), reason: `agreed with ${preferredName} and their family at the first visit` })
  }
}
