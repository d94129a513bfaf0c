import { io, type Socket } from 'socket.io-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ManualClock, TestApi, removeDir, signedInUser, startTestPlatform, tempDir, type TestPlatform } from '../../harness/test-platform.js'

const T0 = Date.parse('2026-11-20T09:00:00Z')
const MINUTE = 60_000

/** A live connection, on a session cookie or a bearer token, once the feed says it is ready. */
async function openLive(url: string, how: { cookie: string } | { token: string }): Promise<Socket> {
  const socket = io(url, {
    transports: ['websocket'],
    reconnection: false,
    ...('cookie' in how ? { extraHeaders: { cookie: how.cookie } } : { auth: { token: how.token } }),
  })
  await new Promise<void>((resolve, reject) => {
    socket.once('ready', () => resolve())
    socket.once('connect_error', reject)
  })
  return socket
}

const droppedBy = (socket: Socket): Promise<string> => new Promise((resolve) => socket.once('disconnect', resolve))

describe('deleted accounts: access ends at once, the record of what they did stays (ASVS 6.3.x, 8.2)', () => {
  const dataDir = tempDir()
  const clock = new ManualClock(T0)
  let t: TestPlatform
  let organisationId = ''
  let adminId = ''
  let ada = ''
  const sockets: Socket[] = []

  /** Moves the platform's clock on, so that what happens next is later than what came before. */
  const later = (): void => clock.set(clock.now() + MINUTE)
  const deleteUser = (api: TestApi, id: string, headers: Record<string, string> = {}) => api.request('DELETE', `/api/users/${id}`, undefined, headers)
  const signIn = (username: string, password: string) => new TestApi(t.httpUrl).request('POST', '/api/auth/login', { username, password })

  beforeAll(async () => {
    t = await startTestPlatform(dataDir, {}, clock)
    const me = (await t.api.request('GET', '/api/auth/me')).body.user
    organisationId = me.organisationId as string
    adminId = me.id as string
    ada = await t.api.createPerson('Ada Lovelace')
  })
  afterAll(async () => {
    for (const socket of sockets) socket.close()
    await t?.close()
    removeDir(dataDir)
  })

  it("ends a deleted user's session, API token and live connections at once, as disabling does", async () => {
    const { id, api: ivy } = await signedInUser(t, 'ivy', ['admin'], organisationId)
    const token = (await ivy.request('POST', '/api/tokens', { name: 'ivy-wallboard', roles: ['responder'] })).body.token as string
    const bearer = { authorization: `Bearer ${token}` }
    const viaCookie = await openLive(t.httpUrl, { cookie: ivy.cookie })
    const viaToken = await openLive(t.httpUrl, { token })
    sockets.push(viaCookie, viaToken)
    expect((await ivy.request('GET', '/api/alerts?status=open', undefined, bearer)).status).toBe(200)
    const cookieDropped = droppedBy(viaCookie)
    const tokenDropped = droppedBy(viaToken)

    expect((await deleteUser(t.api, id)).status).toBe(204)
    expect(await cookieDropped).toBe('io server disconnect')
    expect(await tokenDropped).toBe('io server disconnect')
    expect((await ivy.request('GET', '/api/auth/me')).status).toBe(401)
    expect((await new TestApi(t.httpUrl).request('GET', '/api/alerts?status=open', undefined, bearer)).status).toBe(401)
    const revoked = (await t.api.request('GET', '/api/tokens')).body.tokens.find((k: { name: string }) => k.name === 'ivy-wallboard')
    expect(revoked.revokedAt).toBe(new Date(clock.now()).toISOString())
  })

  it('takes a deleted user out of the user lists, and answers their sign-in exactly as a wrong password', async () => {
    const { id } = await signedInUser(t, 'gus', ['responder'], organisationId)
    expect((await t.api.request('GET', `/api/users/${id}`)).body).toMatchObject({ id, username: 'gus' })
    expect((await deleteUser(t.api, id)).status).toBe(204)

    expect((await t.api.request('GET', '/api/users')).body.users.map((u: { id: string }) => u.id)).not.toContain(id)
    expect((await t.api.request('GET', `/api/users/${id}`)).status).toBe(404)
    expect((await t.api.request('PATCH', `/api/users/${id}`, { disabled: false })).status).toBe(404)
    expect((await deleteUser(t.api, id)).status).toBe(404)
    const deleted = await signIn('gus', 'gus-password-1')
    const unknown = await signIn('nobody-here', 'gus-password-1')
    expect(deleted).toEqual({ status: 401, body: { error: { code: 'unauthorized', message: 'wrong username or password' } } })
    expect(deleted).toEqual(unknown)
  })

  it('frees the username for someone new, while the access log and the timeline still name the one deleted', async () => {
    const old = await t.api.request('POST', '/api/users', { username: 'nora', password: 'nora-password-1', displayName: 'Nora Barnes', organisationId, roles: ['supervisor'] })
    const nora = new TestApi(t.httpUrl)
    await nora.login('nora', 'nora-password-1')
    later()
    expect((await nora.request('GET', `/api/persons/${ada}`)).status).toBe(200)
    const planned = await nora.request('POST', `/api/persons/${ada}/absences`, { from: '2026-12-01T09:00:00Z', to: '2026-12-02T09:00:00Z', reason: 'Respite stay' })
    expect(planned.status).toBe(201)
    later()
    expect((await deleteUser(t.api, old.body.id as string)).status).toBe(204)
    later()

    const again = await t.api.request('POST', '/api/users', { username: 'nora', password: 'nora-new-password-2', displayName: 'Nora Newcomer', organisationId, roles: ['responder'] })
    expect(again.status).toBe(201)
    expect(again.body.id).not.toBe(old.body.id)
    await new TestApi(t.httpUrl).login('nora', 'nora-new-password-2')
    expect((await signIn('nora', 'nora-password-1')).status).toBe(401)

    const log = (await t.api.request('GET', `/api/persons/${ada}/access-log`)).body as Array<{ userId: string; username: string; displayName: string; action: string }>
    expect(log.find((e) => e.action === 'person.read' && e.userId === old.body.id)).toMatchObject({ username: 'nora', displayName: 'Nora Barnes' })
    const timeline = (await t.api.request('GET', `/api/persons/${ada}/timeline`)).body.items as Array<{ source: string; type: string; by: string }>
    expect(timeline.find((i) => i.source === 'absence' && i.type === 'planned')?.by).toBe('Nora Barnes')
  })

  it('ends the circle memberships a deleted user held in their own right, on the person’s access log', async () => {
    const family = await t.api.request('POST', '/api/organisations', { name: 'Lovelace family', kind: 'family' })
    const { id } = await signedInUser(t, 'fay', ['family-carer'], family.body.id as string)
    const membership = await t.api.request('POST', `/api/persons/${ada}/circle`, { userId: id, relationship: 'daughter', scopes: ['alerts', 'timeline'], basis: 'consent' })
    expect(membership.status).toBe(201)
    later()
    expect((await deleteUser(t.api, id)).status).toBe(204)

    const members = (await t.api.request('GET', `/api/persons/${ada}/circle`)).body.members as Array<{ id: string; active: boolean; endReason: string | null; userDisplayName: string | null }>
    expect(members.find((m) => m.id === membership.body.id)).toMatchObject({ active: false, endReason: 'account deleted', userDisplayName: 'fay' })
    const log = (await t.api.request('GET', `/api/persons/${ada}/access-log`)).body as Array<{ action: string; target: string; reason: string | null }>
    expect(log.find((e) => e.action === 'circle.member-ended' && e.target === membership.body.id)).toMatchObject({ reason: 'account deleted' })
  })

  it("lets an organisation admin delete their own organisation's users only, never themselves or a platform admin", async () => {
    const elsewhere = await t.api.request('POST', '/api/organisations', { name: 'Northside Telecare', kind: 'telecare' })
    const { id: outsider } = await signedInUser(t, 'xavier', ['responder'], elsewhere.body.id as string)
    const { id: olgaId, api: olga } = await signedInUser(t, 'olga', ['org-admin'], organisationId)
    const { id: colleague } = await signedInUser(t, 'carl', ['responder'], organisationId)

    expect((await deleteUser(olga, outsider)).status).toBe(404)
    const self = await deleteUser(olga, olgaId)
    expect(self).toEqual({ status: 409, body: { error: { code: 'conflict', message: 'you cannot delete your own account' } } })
    expect((await deleteUser(olga, adminId)).status).toBe(403)
    expect((await deleteUser(olga, colleague)).status).toBe(204)
    expect((await t.api.request('GET', `/api/users/${outsider}`)).status).toBe(200)
  })

  it('never deletes the last platform admin who can sign in, a disabled one being no help', async () => {
    const { id: abe } = await signedInUser(t, 'abe', ['admin'], organisationId)
    expect((await t.api.request('PATCH', `/api/users/${abe}`, { disabled: true })).status).toBe(200)
    const token = (await t.api.request('POST', '/api/tokens', { name: 'provisioning-robot', roles: ['admin'] })).body.token as string

    const last = await deleteUser(new TestApi(t.httpUrl), adminId, { authorization: `Bearer ${token}` })
    expect(last.status).toBe(409)
    expect(last.body.error).toEqual({ code: 'conflict', message: 'this is the last enabled platform admin: make or enable another first' })
    expect((await deleteUser(t.api, adminId)).status).toBe(409)
    expect((await t.api.request('GET', '/api/auth/me')).status).toBe(200)
    // Nor is the last one disabled, or made something else, by a token acting for someone.
    const disable = await new TestApi(t.httpUrl).request('PATCH', `/api/users/${adminId}`, { disabled: true }, { authorization: `Bearer ${token}` })
    expect(disable.status).toBe(409)
    expect(disable.body.error.message).toBe('this is the last enabled platform admin: make or enable another first')
    const demote = await new TestApi(t.httpUrl).request('PATCH', `/api/users/${adminId}`, { roles: ['supervisor'] }, { authorization: `Bearer ${token}` })
    expect(demote.status).toBe(409)
    expect((await t.api.request('GET', '/api/auth/me')).body.user.roles).toEqual(['admin'])
    // A disabled admin is not the last one who can sign in.
    expect((await deleteUser(t.api, abe)).status).toBe(204)
  })
})
