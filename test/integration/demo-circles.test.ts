import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ORGANISATION_KINDS } from '../../contract/index.js'
import { createDemoCircles, type DemoCircles } from '../../platform/demo-circles.js'
import { ADMIN_PASSWORD, TestApi, removeDir, startTestPlatform, tempDir, type TestPlatform } from '../../harness/test-platform.js'

const PASSWORD = 'demo-circle-password-1'

describe("the demo's circles of care", { timeout: 60_000 }, () => {
  const dataDir = tempDir()
  let t: TestPlatform
  let circles: DemoCircles
  const personIds: string[] = []

  const signIn = async (username: string): Promise<TestApi> => {
    const api = new TestApi(t.httpUrl)
    await api.login(username, PASSWORD)
    return api
  }

  beforeAll(async () => {
    t = await startTestPlatform(dataDir)
    for (const name of ['Ada Lovelace', 'Grace Hopper', 'Alan Turing']) personIds.push(await t.api.createPerson(name))
    circles = await createDemoCircles({ apiUrl: t.httpUrl, admin: { username: 'admin', password: ADMIN_PASSWORD }, personIds, password: PASSWORD, circlePeople: 2 })
  })

  afterAll(async () => {
    await t.close()
    removeDir(dataDir)
  })

  it('makes an organisation of every kind, the telecare service being the one already there', async () => {
    const { organisations } = (await t.api.request('GET', '/api/organisations')).body
    expect(organisations.length).toBeGreaterThanOrEqual(6)
    expect(new Set(organisations.map((o: { kind: string }) => o.kind))).toEqual(new Set(ORGANISATION_KINDS))
    expect(circles.organisations.map((o) => o.id)).toContain('o-hearth')
    expect(circles.circlePersonIds).toEqual(personIds.slice(0, 2))
  })

  it('lets every demo user sign in and see the first person, trimmed to what their role may see', async () => {
    for (const account of circles.accounts) {
      const answer = await (await signIn(account.username)).request('GET', `/api/persons/${personIds[0]}`)
      expect(answer.status, account.username).toBe(200)
      expect(answer.body.name).toBe('Ada Lovelace')
      expect('medicalNotes' in answer.body, account.username).toBe(['clinician', 'responder', 'supervisor', 'person'].includes(account.role))
    }
    const warden = await signIn('warden')
    expect((await warden.request('GET', `/api/persons/${personIds[0]}/access-details`)).body.accessDetails).toMatch(/code \d{4}/)
    expect((await (await signIn('befriender')).request('GET', `/api/persons/${personIds[0]}/access-details`)).status).toBe(403)
  })

  it("gives the first person their own account and a daughter in their circle, and no one else's record", async () => {
    const own = await signIn('ada.lovelace')
    const me = (await own.request('GET', '/api/auth/me')).body.user
    expect(me).toMatchObject({ roles: ['person'], personId: personIds[0] })
    expect((await own.request('GET', `/api/persons/${personIds[0]}`)).body.access.basis).toBe('self')
    expect((await own.request('GET', `/api/persons/${personIds[1]}`)).status).toBe(404)

    const daughter = await signIn('daughter')
    expect((await daughter.request('GET', '/api/persons')).body.persons.map((p: { id: string }) => p.id)).toEqual([personIds[0]])
    const { members } = (await own.request('GET', `/api/persons/${personIds[0]}/circle`)).body
    expect(members).toContainEqual(expect.objectContaining({ userDisplayName: 'Helen Lovelace', relationship: 'daughter', basis: 'consent' }))
    expect(members.filter((m: { organisationId: string | null }) => m.organisationId !== null)).toHaveLength(6)
  })

  it('joins the care teams to the first people only, one of them by the consent of a proxy', async () => {
    const nurse = await signIn('nurse')
    expect((await nurse.request('GET', '/api/persons')).body.persons).toHaveLength(2)
    expect((await nurse.request('GET', `/api/persons/${personIds[2]}`)).status).toBe(404)
    const { members } = (await t.api.request('GET', `/api/persons/${personIds[1]}/circle`)).body
    const visiting = members.filter((m: { basis: string }) => m.basis !== 'direct-care')
    expect(visiting).toHaveLength(5)
    for (const m of visiting) expect(m).toMatchObject({ basis: 'proxy-consent', proxy: { authority: 'lasting-power-of-attorney' } })
    expect((await (await signIn('responder')).request('GET', '/api/persons')).body.persons).toHaveLength(3)
  })

  it('gives every person what matters to them and a response plan of 2 to 4 steps with a family member to email', async () => {
    for (const personId of personIds) {
      const wishes = (await t.api.request('GET', `/api/persons/${personId}/wishes`)).body
      expect(wishes).toMatchObject({ version: 1, preferredName: expect.any(String), routine: { wake: expect.any(String), sleep: expect.any(String) } })
      expect(wishes.goals.length).toBeGreaterThan(0)
      expect(wishes.communicationNeeds.length).toBeGreaterThan(0)
      const plan = (await t.api.request('GET', `/api/persons/${personId}/response-plan`)).body
      expect(plan.version).toBe(1)
      expect(plan.steps.length).toBeGreaterThanOrEqual(2)
      expect(plan.steps.length).toBeLessThanOrEqual(4)
      expect(plan.steps.some((s: { family: boolean; email?: string }) => s.family && s.email?.endsWith('@example.org'))).toBe(true)
      expect(plan.steps.some((s: { availability?: unknown[] }) => (s.availability?.length ?? 0) > 0)).toBe(true)
    }
    expect((await t.api.request('GET', `/api/persons/${personIds[0]}/wishes`)).body.preferredName).toBe('Ada')
    const supervisor = ((await t.api.request('GET', '/api/users')).body.users as Array<{ username: string; email: string | null }>).find((u) => u.username === 'supervisor')
    expect(supervisor?.email).toBe('priya.shah@hearth.example.org')
  })
})
