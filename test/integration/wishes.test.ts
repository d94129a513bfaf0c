import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Alert } from '../../contract/index.js'
import { VirtualDevice } from '../../simulators/virtual-device.js'
import { ManualClock, TestApi, eventually, removeDir, signedInUser, startTestPlatform, tempDir, type TestPlatform } from '../../harness/test-platform.js'

const fields = (body: any): string[] => body.error.problems.map((p: { field: string }) => p.field)

const WISHES = {
  preferredName: 'Ada',
  goals: ['Keep walking to the market on Saturdays'],
  communicationNeeds: ['Hard of hearing on the left: speak slowly, face her'],
  routine: { wake: '07:30', sleep: '22:30' },
  reason: 'Talked it through with Ada at her review',
}

describe('what matters to me: the person’s wishes', { timeout: 60_000 }, () => {
  let t: TestPlatform
  let ada: string
  let nurse: TestApi
  let self: TestApi
  let befriender: TestApi
  let onlyAlerts: TestApi
  let outsider: TestApi
  const wishesOf = (api: TestApi) => api.request('GET', `/api/persons/${ada}/wishes`)
  const put = (api: TestApi, body: unknown) => api.request('PUT', `/api/persons/${ada}/wishes`, body)

  /** A user in a new organisation of this kind, whose organisation joins Ada's circle with these scopes (none: stays outside). */
  const member = async (username: string, roles: string[], kind: string, scopes: string[] | undefined): Promise<TestApi> => {
    const org = await t.api.request('POST', '/api/organisations', { name: `${username} organisation`, kind })
    if (scopes) expect((await t.api.request('POST', `/api/persons/${ada}/circle`, { organisationId: org.body.id, relationship: username, scopes, basis: 'consent' })).status).toBe(201)
    return (await signedInUser(t, username, roles, org.body.id)).api
  }

  beforeAll(async () => {
    t = await startTestPlatform()
    ada = await t.api.createPerson('Ada Lovelace')
    nurse = await member('nurse.jo', ['clinician'], 'nhs-health', ['alerts', 'care-settings', 'timeline'])
    befriender = await member('befriender.al', ['volunteer'], 'voluntary', ['alerts', 'timeline', 'notes:write'])
    onlyAlerts = await member('warden.kim', ['housing-officer'], 'housing', ['alerts'])
    outsider = await member('nurse.elsewhere', ['clinician'], 'nhs-health', undefined)
    expect((await t.api.request('POST', '/api/users', { username: 'ada.self', password: 'ada.self-password-1', roles: ['person'], personId: ada })).status).toBe(201)
    self = new TestApi(t.httpUrl)
    await self.login('ada.self', 'ada.self-password-1')
  })
  afterAll(async () => {
    await t?.close()
    if (t) removeDir(t.dataDir)
  })

  it('starts at version 0 with nothing written, and the clinic’s active hours', async () => {
    const { status, body } = await wishesOf(nurse)
    expect(status).toBe(200)
    expect(body).toMatchObject({
      personId: ada,
      version: 0,
      preferredName: null,
      goals: [],
      communicationNeeds: [],
      routine: null,
      shareAlarmsWithFamily: false,
      activeHours: { from: '07:00', to: '22:00', source: 'default' },
      canEdit: true,
    })
  })

  it('keeps every change as a new version with who, when and why; the person’s own account writes too', async () => {
    const first = await put(nurse, WISHES)
    expect(first.status).toBe(200)
    expect(first.body).toMatchObject({ version: 1, changedBy: 'nurse.jo', reason: WISHES.reason, preferredName: 'Ada', shareAlarmsWithFamily: false })
    // The routine sets her active hours: no clinician has set them.
    expect(first.body.activeHours).toEqual({ from: '07:30', to: '22:30', source: 'routine' })

    const own = { ...WISHES, routine: { wake: '09:00', sleep: '23:30' }, preferredLanguage: 'English', contactPreferences: 'Ring after 10 in the morning', reason: 'I get up later in winter' }
    const second = await put(self, own)
    expect(second).toMatchObject({ status: 200, body: { version: 2, changedBy: 'ada.self', preferredLanguage: 'English', contactPreferences: 'Ring after 10 in the morning' } })

    const history = await befriender.request('GET', `/api/persons/${ada}/wishes/history`)
    expect(history.status).toBe(200)
    expect(history.body.versions.map((v: any) => [v.version, v.changedBy, v.reason, v.routine.wake])).toEqual([
      [2, 'ada.self', 'I get up later in winter', '09:00'],
      [1, 'nurse.jo', WISHES.reason, '07:30'],
    ])
    expect(history.body.versions[0].changedAt).toMatch(/^\d{4}-\d\d-\d\dT/)
    expect((await wishesOf(self)).body).toMatchObject({ version: 2, routine: { wake: '09:00', sleep: '23:30' }, canEdit: true })
  })

  it('answers bad wishes with a 400 naming each problem, and writes no version', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ ...WISHES, routine: { wake: '7:30', sleep: '22:30' } }, 'routine.wake'],
      [{ ...WISHES, routine: { wake: '22:30', sleep: '22:30' } }, 'routine.sleep'],
      [{ ...WISHES, goals: ['  '] }, 'goals.0'],
      [{ ...WISHES, shareAlarmsWithFamily: 'yes' }, 'shareAlarmsWithFamily'],
      [{ ...WISHES, reason: '' }, 'reason'],
      [{ ...WISHES, favouriteColour: 'blue' }, '(root)'],
    ]
    for (const [body, field] of cases) {
      const answer = await put(nurse, body)
      expect(answer.status, JSON.stringify(body)).toBe(400)
      expect(answer.body.error.code).toBe('validation_failed')
      expect(fields(answer.body), JSON.stringify(answer.body)).toContain(field)
    }
    expect((await wishesOf(nurse)).body.version).toBe(2)
  })

  it('lets a befriender read them but not write them, a member without the timeline not read them, and hides them from anyone outside', async () => {
    expect((await wishesOf(befriender)).body).toMatchObject({ version: 2, canEdit: false })
    expect(await put(befriender, WISHES)).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } })
    expect((await wishesOf(onlyAlerts)).status).toBe(403)
    expect((await wishesOf(outsider)).status).toBe(404)
    expect((await put(outsider, WISHES)).status).toBe(404)
    expect((await wishesOf(nurse)).body.version).toBe(2)
  })

  it('records who read and changed them in the person’s access log', async () => {
    const log = (await self.request('GET', `/api/persons/${ada}/access-log`)).body as Array<{ action: string; username: string | null }>
    const actions = log.map((e) => `${e.username} ${e.action}`)
    expect(actions).toEqual(expect.arrayContaining(['nurse.jo wishes.changed', 'ada.self wishes.changed', 'befriender.al wishes.history-read', 'befriender.al denied:edit-wishes', 'nurse.elsewhere denied:member']))
  })

  it('gives way to active hours a clinician has set', async () => {
    const patch = await nurse.request('PATCH', `/api/persons/${ada}/settings`, { activeHours: { from: '08:00', to: '21:00' }, reason: 'settled evenings on the new medication' })
    expect(patch.status).toBe(200)
    expect((await wishesOf(self)).body.activeHours).toEqual({ from: '08:00', to: '21:00', source: 'care-settings' })
  })
})

describe('the routine sets the hours the inactivity rule watches', { timeout: 60_000 }, () => {
  // A Monday in winter: London is on UTC.
  const dawn = Date.parse('2026-01-12T06:00:00Z')
  const clock = new ManualClock(dawn)
  const dataDir = tempDir()
  let t: TestPlatform
  const devices: VirtualDevice[] = []

  beforeAll(async () => {
    t = await startTestPlatform(dataDir, {}, clock)
  })
  afterEach(async () => {
    await Promise.all(devices.splice(0).map((d) => d.close()))
  })
  afterAll(async () => {
    await t?.close()
    removeDir(dataDir)
  })

  const inactivity = async (personId: string): Promise<Alert | undefined> =>
    ((await t.api.request('GET', `/api/persons/${personId}`)).body.alerts as Alert[]).find((a) => a.kind === 'inactivity')

  it('raises no inactivity alert while the person sleeps in by their routine, where the clinic’s hours would have, and does once their own day has been quiet', async () => {
    const lateRiser = await t.api.createPerson('Grace Hopper')
    const clinicHours = await t.api.createPerson('Joan Clarke')
    expect((await t.api.request('PUT', `/api/persons/${lateRiser}/wishes`, { routine: { wake: '10:00', sleep: '23:30' }, reason: 'she sleeps in' })).status).toBe(200)
    for (const [personId, id] of [[lateRiser, 'motion-grace'], [clinicHours, 'motion-joan']] as const) {
      const sensor = new VirtualDevice(await t.api.provision('motion-sensor', personId, id), t.mqttUrl)
      await sensor.connect()
      devices.push(sensor)
      await sensor.event('motion', { room: 'bedroom' })
    }
    await eventually(async () => ((await t.api.metrics()).body.includes('hearth_rule_inputs_total{input="events"} 2') ? true : undefined), 'both movements judged')

    // 10:30: three and a half quiet hours since the clinic's day began at 07:00, half an hour of Grace's.
    clock.set(dawn + 4.5 * 3_600_000)
    t.platform.tick()
    const joan = await eventually(() => inactivity(clinicHours), 'the inactivity alert on clinic hours')
    expect(joan.summary).toContain('(active hours 07:00 to 22:00)')
    expect(await inactivity(lateRiser)).toBeUndefined()

    // 13:05: three quiet hours since her day began at 10:00.
    clock.set(dawn + 7 * 3_600_000 + 5 * 60_000)
    t.platform.tick()
    const grace = await eventually(() => inactivity(lateRiser), 'the inactivity alert on her own hours')
    expect(grace.summary).toBe('No movement for 3 h 5 min since the day began at 10:00 (active hours 10:00 to 23:30)')
  })
})
