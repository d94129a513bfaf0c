import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { io } from 'socket.io-client'
import { ManualClock, TestApi, liveAnswer, removeDir, signedInUser, startTestPlatform, tempDir, type TestPlatform } from '../../harness/test-platform.js'

const DAY = 86_400_000
const T0 = Date.parse('2026-11-20T09:00:00Z')

describe('accounts: tokens that expire, passwords their users choose (ASVS 6.2.2, 6.4.1, 7.4.2)', () => {
  const dataDir = tempDir()
  const clock = new ManualClock(T0)
  let t: TestPlatform
  let organisationId = ''

  const newUser = (username: string, roles: string[] = ['responder']) => signedInUser(t, username, roles, organisationId)

  beforeAll(async () => {
    t = await startTestPlatform(dataDir, {}, clock)
    organisationId = (await t.api.request('GET', '/api/auth/me')).body.user.organisationId as string
  })
  afterAll(async () => {
    await t?.close()
    removeDir(dataDir)
  })

  it('makes API tokens for 90 days unless told otherwise, and refuses one from the moment it expires', async () => {
    const standard = await t.api.request('POST', '/api/tokens', { name: 'council-crm', roles: ['supervisor'] })
    expect(standard.status).toBe(201)
    expect(standard.body.expiresAt).toBe(new Date(T0 + 90 * DAY).toISOString())
    const short = await t.api.request('POST', '/api/tokens', { name: 'wallboard', roles: ['responder'], expiresInDays: 1 })
    expect(short.body.expiresAt).toBe(new Date(T0 + DAY).toISOString())
    for (const expiresInDays of [0, 366, 1.5]) {
      const refused = await t.api.request('POST', '/api/tokens', { name: 'bad', roles: ['responder'], expiresInDays })
      expect(refused.status).toBe(400)
      expect(refused.body.error.problems[0].field).toBe('expiresInDays')
    }
    const listed = (await t.api.request('GET', '/api/tokens')).body.tokens.find((token: { id: string }) => token.id === short.body.id)
    expect(listed).toMatchObject({ name: 'wallboard', expiresAt: short.body.expiresAt, revokedAt: null })

    const wallboard = new TestApi(t.httpUrl)
    const bearer = { authorization: `Bearer ${short.body.token as string}` }
    clock.set(T0 + DAY - 1000)
    expect((await wallboard.request('GET', '/api/alerts?status=open', undefined, bearer)).status).toBe(200)
    clock.set(T0 + DAY)
    expect((await wallboard.request('GET', '/api/alerts?status=open', undefined, bearer)).status).toBe(401)
    // The other token, made for 90 days, still works.
    expect((await wallboard.request('GET', '/api/alerts?status=open', undefined, { authorization: `Bearer ${standard.body.token as string}` })).status).toBe(200)
    // A day on, the admin's own sign-in (12 hours) has ended too.
    await t.api.login()
  })

  it('lets a user change their own password, giving the current one; their other sign-ins end', async () => {
    const { api: laptop } = await newUser('sue')
    const phone = new TestApi(t.httpUrl)
    await phone.login('sue', 'sue-password-1')
    expect(await liveAnswer(t.httpUrl, { cookie: phone.cookie })).toBe('ready')

    const wrong = await laptop.request('POST', '/api/auth/password', { currentPassword: 'not-it', newPassword: 'sue-new-password-2' })
    expect(wrong.status).toBe(400)
    expect(wrong.body.error.problems).toEqual([{ field: 'currentPassword', message: 'not your current password' }])
    const short = await laptop.request('POST', '/api/auth/password', { currentPassword: 'sue-password-1', newPassword: 'short' })
    expect(short.body.error.problems[0]).toMatchObject({ field: 'newPassword', message: 'at least 12 characters' })
    const same = await laptop.request('POST', '/api/auth/password', { currentPassword: 'sue-password-1', newPassword: 'sue-password-1' })
    expect(same.body.error.problems[0]).toMatchObject({ field: 'newPassword', message: 'must differ from the current password' })

    expect((await laptop.request('POST', '/api/auth/password', { currentPassword: 'sue-password-1', newPassword: 'sue-new-password-2' })).status).toBe(204)
    expect((await laptop.request('GET', '/api/auth/me')).status).toBe(200)
    expect((await phone.request('GET', '/api/auth/me')).status).toBe(401)
    const again = new TestApi(t.httpUrl)
    expect((await again.request('POST', '/api/auth/login', { username: 'sue', password: 'sue-password-1' })).status).toBe(401)
    await again.login('sue', 'sue-new-password-2')
  })

  it('lets an admin reset a password: the user is signed out, and on signing in may do nothing but choose their own', async () => {
    const { id, api: before } = await newUser('bob')
    const live = io(t.httpUrl, { transports: ['websocket'], reconnection: false, extraHeaders: { cookie: before.cookie } })
    await new Promise<void>((resolve) => live.once('ready', () => resolve()))
    const dropped = new Promise<string>((resolve) => live.once('disconnect', resolve))

    expect((await t.api.request('POST', `/api/users/${id}/password`, { password: 'temporary-password-9' })).status).toBe(204)
    expect(await dropped).toBe('io server disconnect')
    live.close()
    expect((await before.request('GET', '/api/auth/me')).status).toBe(401)

    const bob = new TestApi(t.httpUrl)
    const signedIn = await bob.request('POST', '/api/auth/login', { username: 'bob', password: 'temporary-password-9' })
    expect(signedIn.status).toBe(200)
    expect(signedIn.body.user.mustChangePassword).toBe(true)
    const blocked = await bob.request('GET', '/api/alerts?status=open')
    expect(blocked.status).toBe(403)
    expect(blocked.body.error.message).toMatch(/choose a new password first/)
    expect(await liveAnswer(t.httpUrl, { cookie: bob.cookie })).toBe('refused: choose a new password first')
    expect((await bob.request('GET', '/api/auth/me')).body.user.mustChangePassword).toBe(true)

    expect((await bob.request('POST', '/api/auth/password', { currentPassword: 'temporary-password-9', newPassword: 'bob-own-password-3' })).status).toBe(204)
    expect((await bob.request('GET', '/api/alerts?status=open')).status).toBe(200)
    expect(await liveAnswer(t.httpUrl, { cookie: bob.cookie })).toBe('ready')
    const listed = (await t.api.request('GET', '/api/users')).body.users.find((u: { id: string }) => u.id === id)
    expect(listed.mustChangePassword).toBe(false)
  })

  it('refuses passwords that are easy to guess wherever a password is chosen, saying why', async () => {
    const weak = await t.api.request('POST', '/api/users', { username: 'wendy', password: 'Password123!', organisationId, roles: ['responder'] })
    expect(weak.status).toBe(400)
    expect(weak.body.error.problems).toEqual([{ field: 'password', message: expect.stringMatching(/^too easy to guess: This is similar to a commonly used password/) }])
    const { id, api: wendy } = await newUser('wendy')
    const change = await wendy.request('POST', '/api/auth/password', { currentPassword: 'wendy-password-1', newPassword: 'qwertyuiop123' })
    expect(change.status).toBe(400)
    expect(change.body.error.problems[0]).toMatchObject({ field: 'newPassword', message: expect.stringMatching(/^too easy to guess/) })
    const reset = await t.api.request('POST', `/api/users/${id}/password`, { password: 'wendy.wendy.wendy' })
    expect(reset.status).toBe(400)
    expect(reset.body.error.problems[0]).toMatchObject({ field: 'password', message: expect.stringMatching(/^too easy to guess/) })
    // Nothing changed: the old password still signs in.
    await new TestApi(t.httpUrl).login('wendy', 'wendy-password-1')
  })

  it('refuses a reset of one\'s own password, of a platform admin by an organisation admin, and of a user outside the organisation', async () => {
    const me = (await t.api.request('GET', '/api/auth/me')).body.user
    expect((await t.api.request('POST', `/api/users/${me.id as string}/password`, { password: 'temporary-password-9' })).status).toBe(409)
    const { api: orgAdmin } = await newUser('olive', ['org-admin'])
    expect((await orgAdmin.request('POST', `/api/users/${me.id as string}/password`, { password: 'temporary-password-9' })).status).toBe(403)
    expect((await t.api.request('POST', '/api/users/u-nobody/password', { password: 'temporary-password-9' })).status).toBe(404)
    expect((await t.api.request('POST', `/api/users/${me.id as string}/password`, { password: 'short' })).status).toBe(400)
  })
})
