import Database from 'better-sqlite3'
import { join } from 'node:path'
import { io, type Socket } from 'socket.io-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Alert, BreakGlassGrant, Scope, ServerToClientEvents, TimelineItem } from '../../contract/index.js'
import { VirtualDevice } from '../../simulators/virtual-device.js'
import { ManualClock, TestApi, connectLive, eventually, removeDir, startTestPlatform, tempDir, type TestPlatform } from '../../harness/test-platform.js'

const T0 = Date.parse('2026-06-15T09:00:00Z')
const MINUTE = 60_000
const DAY = 86_400_000

type Org = 'telecare' | 'nursing' | 'surgery' | 'council' | 'housing' | 'charity' | 'family' | 'outsider' | 'expired' | 'future'

/**
 * Who stands where around Ada, and what each must be able to see about her: written out by hand,
 * role by role, so that the table checks the rules rather than repeating them.
 */
const PEOPLE: Array<{ username: string; org: Org; roles: string[]; scopes: Scope[] | 'none'; circleAdmin?: boolean }> = [
  { username: 'tsup', org: 'telecare', roles: ['supervisor'], scopes: ['alerts', 'vitals', 'medical-notes', 'care-settings', 'contacts', 'access-details', 'timeline', 'notes:write', 'absences:write'], circleAdmin: true },
  { username: 'tresp', org: 'telecare', roles: ['responder'], scopes: ['alerts', 'vitals', 'medical-notes', 'care-settings', 'contacts', 'access-details', 'timeline', 'notes:write', 'absences:write'] },
  { username: 'torgadmin', org: 'telecare', roles: ['org-admin'], scopes: ['alerts', 'timeline'], circleAdmin: true },
  { username: 'nurse', org: 'nursing', roles: ['clinician'], scopes: ['alerts', 'vitals', 'medical-notes', 'care-settings', 'timeline', 'notes:write'] },
  { username: 'gp', org: 'surgery', roles: ['clinician'], scopes: ['vitals', 'medical-notes'] },
  // Granted medical notes by the council's membership, but a social worker's role never reads them.
  { username: 'sw', org: 'council', roles: ['social-worker'], scopes: ['alerts', 'care-settings', 'contacts', 'timeline', 'notes:write'] },
  // Granted vital signs, but a housing officer's role never sees them.
  { username: 'warden', org: 'housing', roles: ['housing-officer'], scopes: ['alerts', 'contacts', 'access-details', 'timeline'] },
  { username: 'befriender', org: 'charity', roles: ['volunteer'], scopes: ['timeline', 'notes:write'] },
  { username: 'daughter', org: 'family', roles: ['family-carer'], scopes: ['alerts', 'contacts', 'timeline', 'notes:write', 'absences:write'] },
  { username: 'xresp', org: 'outsider', roles: ['responder'], scopes: 'none' },
  { username: 'xsup', org: 'outsider', roles: ['supervisor'], scopes: 'none' },
  { username: 'exp', org: 'expired', roles: ['clinician'], scopes: 'none' },
  { username: 'fut', org: 'future', roles: ['clinician'], scopes: 'none' },
]

/** Each endpoint about Ada and the scope it needs (`member`: only a place in the circle). */
const ENDPOINTS: Array<{ name: string; need: Scope | 'member' | 'circle-admin-or-self'; call: (api: TestApi, personId: string) => Promise<{ status: number }> }> = [
  { name: 'GET the record', need: 'member', call: (api, id) => api.request('GET', `/api/persons/${id}`) },
  { name: 'GET the circle', need: 'member', call: (api, id) => api.request('GET', `/api/persons/${id}/circle`) },
  { name: 'GET the timeline', need: 'timeline', call: (api, id) => api.request('GET', `/api/persons/${id}/timeline`) },
  { name: 'GET readings', need: 'vitals', call: (api, id) => api.request('GET', `/api/persons/${id}/readings?metric=heart_rate&from=2026-06-15T08:00:00Z&to=2026-06-15T09:00:00Z`) },
  { name: 'GET thresholds', need: 'care-settings', call: (api, id) => api.request('GET', `/api/persons/${id}/thresholds`) },
  { name: 'GET settings history', need: 'care-settings', call: (api, id) => api.request('GET', `/api/persons/${id}/settings/history`) },
  { name: 'GET access details', need: 'access-details', call: (api, id) => api.request('GET', `/api/persons/${id}/access-details`) },
  { name: 'GET alarms', need: 'alerts', call: (api, id) => api.request('GET', `/api/persons/${id}/alarms`) },
  { name: 'POST a note', need: 'notes:write', call: (api, id) => api.request('POST', `/api/persons/${id}/notes`, { text: 'Called in, all fine.' }) },
  {
    name: 'POST an absence',
    need: 'absences:write',
    call: (api, id) => api.request('POST', `/api/persons/${id}/absences`, { from: '2026-07-01T09:00:00Z', to: '2026-07-02T09:00:00Z', reason: 'Visiting family' }),
  },
  { name: 'GET the access log', need: 'circle-admin-or-self', call: (api, id) => api.request('GET', `/api/persons/${id}/access-log`) },
]

describe('circles of care: who sees what about a person', { timeout: 120_000 }, () => {
  const clock = new ManualClock(T0)
  const dataDir = tempDir()
  let t: TestPlatform
  const orgIds = {} as Record<Org, string>
  const apis = new Map<string, TestApi>()
  const userIds = new Map<string, string>()
  const sockets = new Map<string, Socket<ServerToClientEvents>>()
  let ada = ''
  let bob = ''
  let daughterMembership = ''
  let pendantAda: VirtualDevice
  let pendantBob: VirtualDevice

  const api = (username: string): TestApi => apis.get(username) as TestApi
  const addMember = async (personId: string, body: Record<string, unknown>): Promise<string> => {
    const r = await api('tsup').request('POST', `/api/persons/${personId}/circle`, body)
    expect(r.status, JSON.stringify(r.body)).toBe(201)
    return r.body.id as string
  }
  const signIn = async (username: string): Promise<TestApi> => {
    const a = new TestApi(t.httpUrl)
    await a.login(username, `${username}-password-1`)
    apis.set(username, a)
    return a
  }

  beforeAll(async () => {
    t = await startTestPlatform(dataDir, {}, clock)
    const kinds: Record<Exclude<Org, 'telecare'>, string> = {
      nursing: 'nhs-health', surgery: 'gp-practice', council: 'social-work', housing: 'housing', charity: 'voluntary', family: 'family', outsider: 'telecare', expired: 'nhs-health', future: 'nhs-health',
    }
    orgIds.telecare = 'o-hearth'
    for (const [org, kind] of Object.entries(kinds)) {
      const r = await t.api.request('POST', '/api/organisations', { name: `The ${org} organisation`, kind })
      expect(r.status).toBe(201)
      orgIds[org as Org] = r.body.id as string
    }
    for (const p of PEOPLE) {
      const r = await t.api.request('POST', '/api/users', { username: p.username, password: `${p.username}-password-1`, organisationId: orgIds[p.org], roles: p.roles, displayName: p.username.toUpperCase() })
      expect(r.status, JSON.stringify(r.body)).toBe(201)
      userIds.set(p.username, r.body.id as string)
      await signIn(p.username)
    }
    const created = await t.api.request('POST', '/api/persons', { name: 'Ada Lovelace', medicalNotes: 'Heart failure', contacts: [{ name: 'Byron', phone: '07700 900 001' }], accessDetails: 'Key safe 4321' })
    ada = created.body.id as string
    bob = await t.api.createPerson('Bob Sentinel')
    const ma = await t.api.request('POST', '/api/users', { username: 'ada', password: 'ada-password-1', organisationId: orgIds.family, roles: ['person'], personId: ada })
    expect(ma.status).toBe(201)
    userIds.set('ada', ma.body.id as string)
    await signIn('ada')

    await addMember(ada, { organisationId: orgIds.nursing, relationship: 'district nursing team', scopes: ['alerts', 'vitals', 'medical-notes', 'care-settings', 'timeline', 'notes:write'], basis: 'consent' })
    await addMember(ada, { organisationId: orgIds.surgery, relationship: 'GP practice', scopes: ['vitals', 'medical-notes'], basis: 'consent' })
    await addMember(ada, { organisationId: orgIds.council, relationship: 'social worker', scopes: ['alerts', 'medical-notes', 'care-settings', 'contacts', 'timeline', 'notes:write'], basis: 'proxy-consent', proxy: { name: 'Byron', authority: 'lasting-power-of-attorney' } })
    await addMember(ada, { organisationId: orgIds.housing, relationship: 'warden', scopes: ['alerts', 'vitals', 'contacts', 'access-details', 'timeline'], basis: 'consent' })
    await addMember(ada, { organisationId: orgIds.charity, relationship: 'befriender', scopes: ['timeline', 'notes:write'], basis: 'consent' })
    daughterMembership = await addMember(ada, { userId: userIds.get('daughter'), relationship: 'daughter', scopes: ['alerts', 'contacts', 'timeline', 'notes:write', 'absences:write'], basis: 'consent' })
    await addMember(ada, { organisationId: orgIds.expired, relationship: 'hospital discharge team', scopes: ['alerts', 'timeline'], basis: 'consent', from: new Date(T0 - 2 * DAY).toISOString(), to: new Date(T0 - DAY).toISOString() })
    await addMember(ada, { organisationId: orgIds.future, relationship: 'reablement team', scopes: ['alerts', 'timeline'], basis: 'consent', from: new Date(T0 + DAY).toISOString() })

    // Bob's circle holds everyone with alerts and timeline: his events mark the end of what each socket was sent about Ada.
    for (const org of ['nursing', 'surgery', 'council', 'housing', 'charity', 'outsider', 'expired', 'future'] as const) {
      await addMember(bob, { organisationId: orgIds[org], relationship: 'sentinel', scopes: ['alerts', 'timeline'], basis: 'consent' })
    }
    for (const user of ['daughter', 'ada']) await addMember(bob, { userId: userIds.get(user), relationship: 'friend', scopes: ['alerts', 'timeline'], basis: 'consent' })

    pendantAda = new VirtualDevice(await t.api.provision('pendant', ada, 'pendant-ada'), t.mqttUrl)
    pendantBob = new VirtualDevice(await t.api.provision('pendant', bob, 'pendant-bob'), t.mqttUrl)
    await Promise.all([pendantAda.connect(), pendantBob.connect()])
    for (const username of [...PEOPLE.map((p) => p.username), 'ada']) sockets.set(username, await connectLive(api(username)))
  })

  afterAll(async () => {
    for (const s of sockets.values()) s.disconnect()
    await Promise.all([pendantAda.close(), pendantBob.close()])
    await t.close()
    removeDir(dataDir)
  })

  describe.each(PEOPLE)('$username ($roles, $org)', (person) => {
    it.each(ENDPOINTS)('$name', async (endpoint) => {
      const { status } = await endpoint.call(api(person.username), ada)
      let expected: number
      if (person.scopes === 'none') expected = 404
      else if (endpoint.need === 'member') expected = 200
      else if (endpoint.need === 'circle-admin-or-self') expected = person.circleAdmin ? 200 : 403
      else expected = person.scopes.includes(endpoint.need) ? (endpoint.name.startsWith('POST') ? 201 : 200) : 403
      expect(status).toBe(expected)
    })

    it('sees exactly their scopes on the record, and the person in their lists only if in the circle', async () => {
      const record = await api(person.username).request('GET', `/api/persons/${ada}`)
      const listed = (await api(person.username).request('GET', '/api/persons')).body.persons as Array<{ id: string }>
      expect(listed.some((p) => p.id === ada)).toBe(person.scopes !== 'none')
      if (person.scopes === 'none') return
      expect(record.body.access.scopes).toEqual(person.scopes)
      expect(record.body.access.circleAdmin).toBe(person.circleAdmin === true)
      expect('medicalNotes' in record.body).toBe(person.scopes.includes('medical-notes'))
      expect('contacts' in record.body).toBe(person.scopes.includes('contacts'))
      expect(record.body.accessDetails).toBeUndefined()
    })
  })

  it('sends an alarm live only to those who may see her alerts, and a note only to those who follow her timeline', async () => {
    const alerts = new Map<string, string[]>()
    const notes = new Map<string, string[]>()
    for (const [username, socket] of sockets) {
      alerts.set(username, [])
      notes.set(username, [])
      socket.on('alert', (a: Alert) => alerts.get(username)?.push(a.personId))
      socket.on('person.note', (n: { personId: string; item: TimelineItem }) => notes.get(username)?.push(n.personId))
    }
    await pendantAda.event('alarm.pressed')
    await eventually(() => (alerts.get('tresp')?.includes(ada) ? true : undefined), "Ada's alarm on the responder's screen")
    await pendantBob.event('alarm.pressed')
    expect((await api('nurse').request('POST', `/api/persons/${ada}/notes`, { text: 'Ankles swollen, GP informed.' })).status).toBe(201)
    expect((await api('tsup').request('POST', `/api/persons/${bob}/notes`, { text: 'Bob popped round.' })).status).toBe(201)
    // Every socket receives Bob's alarm and note; whatever it was sent about Ada came before them.
    for (const username of sockets.keys()) {
      await eventually(() => (alerts.get(username)?.includes(bob) && notes.get(username)?.includes(bob) ? true : undefined), `Bob's events for ${username}`)
    }
    for (const p of [...PEOPLE, { username: 'ada', scopes: ['alerts', 'timeline'] as Scope[] }]) {
      const scopes = p.scopes === 'none' ? [] : p.scopes
      expect(alerts.get(p.username)?.includes(ada), `${p.username} alert`).toBe(scopes.includes('alerts'))
      expect(notes.get(p.username)?.includes(ada), `${p.username} note`).toBe(scopes.includes('timeline'))
    }
    const queue = (await api('xresp').request('GET', '/api/alerts/queue')).body.alerts as Alert[]
    expect(queue.map((a) => a.personId)).toEqual([bob])
  })

  it('labels each note on the timeline with its author, organisation and role', async () => {
    const items = (await api('sw').request('GET', `/api/persons/${ada}/timeline`)).body.items as TimelineItem[]
    expect(items.find((i) => i.source === 'note' && i.text === 'Ankles swollen, GP informed.')).toMatchObject({ by: 'NURSE', organisation: 'The nursing organisation', role: 'clinician' })
  })

  it('lets the person see who looked at their record, with organisation, role and basis', async () => {
    const log = (await api('ada').request('GET', `/api/persons/${ada}/access-log`)).body as Array<Record<string, unknown>>
    expect(log.find((e) => e.userId === userIds.get('gp') && e.action === 'person.read')).toMatchObject({ organisationId: orgIds.surgery, role: 'clinician', basis: 'consent' })
    expect(log.find((e) => e.userId === userIds.get('sw') && e.action === 'person.read')).toMatchObject({ basis: 'proxy-consent' })
    // Outsiders read nothing; each attempt of theirs is recorded as refused, so the person sees who tried.
    const outsider = log.filter((e) => e.userId === userIds.get('xresp'))
    expect(outsider.length).toBeGreaterThan(0)
    expect(outsider.every((e) => String(e.action).startsWith('denied:'))).toBe(true)
  })

  it('opens a record in an emergency for a responder outside the circle, tells the circle at once, and closes it after an hour', async () => {
    const told = new Promise<BreakGlassGrant>((resolve) => sockets.get('tsup')?.once('break-glass', resolve))
    const toldPerson = new Promise<BreakGlassGrant>((resolve) => sockets.get('ada')?.once('break-glass', resolve))
    expect((await api('daughter').request('POST', `/api/persons/${ada}/break-glass`, { reason: 'I want to look' })).status).toBe(403)
    expect((await api('xresp').request('POST', `/api/persons/${ada}/break-glass`, { reason: 'short' })).status).toBe(400)
    const opened = await api('xresp').request('POST', `/api/persons/${ada}/break-glass`, { reason: 'Fall reported by a neighbour, no answer from the pendant' })
    expect(opened.status).toBe(201)
    expect((await told).reason).toBe('Fall reported by a neighbour, no answer from the pendant')
    expect((await toldPerson).displayName).toBe('XRESP')
    const record = await api('xresp').request('GET', `/api/persons/${ada}`)
    expect(record.status).toBe(200)
    expect(record.body.access).toMatchObject({ basis: 'break-glass', circleAdmin: false })
    const log = (await api('tsup').request('GET', `/api/persons/${ada}/access-log`)).body as Array<Record<string, unknown>>
    expect(log.filter((e) => e.userId === userIds.get('xresp') && !String(e.action).startsWith('denied:')).map((e) => [e.action, e.basis, e.breakGlass])).toEqual([
      ['person.read', 'break-glass', true],
      ['break-glass.opened', 'break-glass', true],
    ])
    expect((await api('tsup').request('GET', '/api/break-glass')).body.grants).toHaveLength(1)
    clock.set(T0 + 61 * MINUTE)
    expect((await api('xresp').request('GET', `/api/persons/${ada}`)).status).toBe(404)
  })

  it('lets the person withdraw consent from a member, never from the direct care of their monitoring service', async () => {
    const circle = (await api('ada').request('GET', `/api/persons/${ada}/circle`)).body.members as Array<{ id: string; basis: string }>
    const directCare = circle.find((m) => m.basis === 'direct-care')?.id as string
    expect((await api('ada').request('POST', `/api/persons/${ada}/circle/${directCare}/withdraw-consent`, {})).status).toBe(409)
    expect((await api('nurse').request('POST', `/api/persons/${ada}/circle/${daughterMembership}/withdraw-consent`, {})).status).toBe(403)
    const withdrawn = await api('ada').request('POST', `/api/persons/${ada}/circle/${daughterMembership}/withdraw-consent`, { reason: 'I would rather tell her myself' })
    expect(withdrawn.body).toMatchObject({ active: false, endReason: 'consent withdrawn: I would rather tell her myself' })
    expect((await api('daughter').request('GET', `/api/persons/${ada}`)).status).toBe(404)
    expect(((await api('daughter').request('GET', '/api/persons')).body.persons as Array<{ id: string }>).map((p) => p.id)).toEqual([bob])
  })

  it('lets only circle admins change the circle, and organisation admins manage only their own users', async () => {
    const body = { organisationId: orgIds.outsider, relationship: 'second opinion', scopes: ['timeline'], basis: 'consent' }
    expect((await api('nurse').request('POST', `/api/persons/${ada}/circle`, body)).status).toBe(403)
    expect((await api('xsup').request('POST', `/api/persons/${ada}/circle`, body)).status).toBe(404)
    const added = await api('torgadmin').request('POST', `/api/persons/${ada}/circle`, body)
    expect(added.status).toBe(201)
    expect((await api('torgadmin').request('DELETE', `/api/persons/${ada}/circle/${added.body.id as string}`)).body).toMatchObject({ active: false })
    expect((await api('torgadmin').request('POST', '/api/users', { username: 'newbie', password: 'newbie-password-1', organisationId: orgIds.nursing, roles: ['clinician'] })).status).toBe(403)
    expect((await api('torgadmin').request('POST', '/api/users', { username: 'boss', password: 'boss-password-12', roles: ['admin'] })).status).toBe(403)
    expect((await api('torgadmin').request('POST', '/api/users', { username: 'newbie', password: 'newbie-password-1', roles: ['responder'] })).status).toBe(201)
    const theirs = (await api('torgadmin').request('GET', '/api/users')).body.users as Array<{ organisationId: string }>
    expect(new Set(theirs.map((u) => u.organisationId))).toEqual(new Set(['o-hearth']))
  })

  it("lets the platform admin set up the circle and devices of a person another organisation monitors, and see nothing of their health", async () => {
    const created = await t.api.request('POST', '/api/persons', { name: 'Cora Outside', monitoredBy: orgIds.outsider, medicalNotes: 'Asthma' })
    expect(created.status).toBe(201)
    const cora = created.body.id as string
    expect((await api('tsup').request('POST', '/api/persons', { name: 'Not mine to place', monitoredBy: orgIds.outsider })).status).toBe(403)
    expect((await t.api.request('GET', `/api/persons/${cora}`)).status).toBe(404)
    expect((await t.api.request('GET', `/api/persons/${cora}/timeline`)).status).toBe(404)
    expect((await t.api.request('POST', `/api/persons/${cora}/circle`, { organisationId: orgIds.nursing, relationship: 'district nursing team', scopes: ['vitals'], basis: 'consent' })).status).toBe(201)
    expect(((await t.api.request('GET', `/api/persons/${cora}/circle`)).body.members as unknown[]).length).toBe(2)
    expect((await t.api.request('POST', '/api/devices', { type: 'pendant', personId: cora })).status).toBe(201)
    expect((await t.api.request('GET', `/api/persons/${cora}/access-log`)).status).toBe(404)
    expect((await t.api.request('POST', '/api/devices', { type: 'pendant', personId: 'p-nobody' })).status).toBe(400)
    // The outsider organisation's supervisor monitors Cora: a circle admin there, with every scope.
    expect((await api('xsup').request('GET', `/api/persons/${cora}`)).body).toMatchObject({ medicalNotes: 'Asthma', access: { basis: 'direct-care', circleAdmin: true } })
    expect((await api('tresp').request('GET', `/api/persons/${cora}`)).status).toBe(404)
  })

  it("keeps to their scopes on the timeline: no alert handling without alerts, no readings' words without vitals", async () => {
    const befriender = (await api('befriender').request('GET', `/api/persons/${ada}/timeline`)).body.items as TimelineItem[]
    expect(befriender.length).toBeGreaterThan(0)
    expect(new Set(befriender.map((i) => i.source))).toEqual(new Set(['note']))
    const warden = await api('warden').request('GET', `/api/persons/${ada}`)
    const responder = await api('tresp').request('GET', `/api/persons/${ada}`)
    expect((responder.body.alerts as Alert[]).every((a) => a.summary !== null)).toBe(true)
    expect((warden.body.alerts as Alert[]).length).toBe((responder.body.alerts as Alert[]).length)
    expect((warden.body.alerts as Alert[]).every((a) => a.summary === null)).toBe(true)
  })

  it("never lets a person's own account see others through the organisation it was made in", async () => {
    const made = await t.api.request('POST', '/api/users', { username: 'ada.self', password: 'ada.self-password-1', roles: ['person'], personId: ada })
    expect(made.body.organisationId).toBe('o-hearth')
    const own = await signIn('ada.self')
    expect(((await own.request('GET', '/api/persons')).body.persons as Array<{ id: string }>).map((p) => p.id)).toEqual([ada])
    expect((await own.request('GET', `/api/persons/${bob}`)).status).toBe(404)
    // Nor may an organisation admin make an account for someone outside their circles.
    const charityAdmin = await t.api.request('POST', '/api/users', { username: 'charity.admin', password: 'charity.admin-password-1', organisationId: orgIds.charity, roles: ['org-admin'] })
    expect(charityAdmin.status).toBe(201)
    const admin = await signIn('charity.admin')
    const forged = await admin.request('POST', '/api/users', { username: 'not.bob', password: 'not-bob-password-1', roles: ['person'], personId: bob })
    expect(forged.status).toBe(400)
    expect(forged.body.error.message).toContain(`no person ${bob}`)
    expect((await admin.request('PATCH', `/api/users/${charityAdmin.body.id as string}`, { roles: ['org-admin', 'responder'] })).status).toBe(403)
  })

  it('keeps emergency access to care organisations’ staff on duty, never a family or an integration', async () => {
    const family = await t.api.request('POST', '/api/users', { username: 'family.responder', password: 'family.responder-password-1', organisationId: orgIds.family, roles: ['responder'] })
    expect(family.status).toBe(201)
    const reason = { reason: 'I would like to look at her record' }
    expect((await (await signIn('family.responder')).request('POST', `/api/persons/${ada}/break-glass`, reason)).status).toBe(403)
    const token = await t.api.request('POST', '/api/tokens', { name: 'care records', roles: ['responder'] })
    const integration = new TestApi(t.httpUrl)
    expect((await integration.request('POST', `/api/persons/${ada}/break-glass`, reason, { authorization: `Bearer ${token.body.token as string}` })).status).toBe(403)
  })

  it('keeps the last organisation monitoring a person in the circle, and the platform admin out of circles it sets up', async () => {
    const circle = (await api('tsup').request('GET', `/api/persons/${bob}/circle`)).body.members as Array<{ id: string; basis: string }>
    const monitoring = circle.find((m) => m.basis === 'direct-care')?.id as string
    expect((await api('tsup').request('DELETE', `/api/persons/${bob}/circle/${monitoring}`)).status).toBe(409)
    const cora = await t.api.request('POST', '/api/persons', { name: 'Dora Elsewhere', monitoredBy: orgIds.outsider })
    const own = { organisationId: 'o-hearth', relationship: 'operator', scopes: ['alerts'], basis: 'consent' }
    expect((await t.api.request('POST', `/api/persons/${cora.body.id as string}/circle`, own)).status).toBe(403)
  })

  it("ends a revoked token's live connection", async () => {
    const token = await t.api.request('POST', '/api/tokens', { name: 'wallboard', roles: ['responder'] })
    const viaToken = new TestApi(t.httpUrl)
    const socket = io(t.httpUrl, { auth: { token: token.body.token as string }, transports: ['websocket'], reconnection: false })
    await new Promise<void>((resolve, reject) => {
      socket.once('ready', () => resolve())
      socket.once('connect_error', reject)
    })
    const dropped = new Promise<void>((resolve) => socket.once('disconnect', () => resolve()))
    expect((await t.api.request('DELETE', `/api/tokens/${token.body.id as string}`)).status).toBe(204)
    await dropped
    expect((await viaToken.request('GET', '/api/alerts/queue', undefined, { authorization: `Bearer ${token.body.token as string}` })).status).toBe(401)
  })

  it('ends a disabled user’s sessions and live connection at once', async () => {
    const socket = sockets.get('befriender') as Socket<ServerToClientEvents>
    const dropped = new Promise<void>((resolve) => socket.once('disconnect', () => resolve()))
    expect((await t.api.request('PATCH', `/api/users/${userIds.get('befriender') as string}`, { disabled: true })).body).toMatchObject({ disabled: true })
    await dropped
    expect((await api('befriender').request('GET', '/api/persons')).status).toBe(401)
    const again = new TestApi(t.httpUrl)
    expect((await again.request('POST', '/api/auth/login', { username: 'befriender', password: 'befriender-password-1' })).status).toBe(403)
  })

  it('finds the first audit entry altered behind its back', async () => {
    const intact = await t.api.request('POST', '/api/audit/verify')
    expect(intact.body).toMatchObject({ ok: true })
    const db = new Database(join(dataDir, 'hearth.db'))
    const row = db.prepare("SELECT seq FROM audit_log WHERE action = 'break-glass.opened'").get() as { seq: number }
    db.exec('DROP TRIGGER audit_log_no_update')
    db.prepare("UPDATE audit_log SET reason = 'routine check' WHERE seq = ?").run(row.seq)
    db.close()
    const broken = await t.api.request('POST', '/api/audit/verify')
    expect(broken.body).toMatchObject({ ok: false, firstBadEntry: { seq: row.seq, action: 'break-glass.opened' } })
    expect((await api('tsup').request('POST', '/api/audit/verify')).status).toBe(403)
  })
})
