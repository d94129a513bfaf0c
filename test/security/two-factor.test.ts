import Database from 'better-sqlite3'
import { join } from 'node:path'
import { Secret, TOTP } from 'otpauth'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN_PASSWORD, ManualClock, TestApi, liveAnswer, removeDir, signedInUser, startTestPlatform, tempDir, type TestPlatform } from '../../harness/test-platform.js'

const DAY = 86_400_000
const STEP = 30_000
const T0 = Date.parse('2026-11-20T09:00:00Z')

/** What the user's authenticator app shows at `ms` for the secret the platform gave. */
const codeAt = (secret: string, ms: number): string => TOTP.generate({ secret: Secret.fromBase32(secret), timestamp: ms })

/** A platform whose clock the test moves, so that the codes it computes are the platform's current ones. */
function twoFactorPlatform(clock: ManualClock) {
  const dataDir = tempDir()
  const ctx = { dataDir, t: undefined as unknown as TestPlatform }
  const login = (username: string, password: string, code?: string) =>
    new TestApi(ctx.t.httpUrl).request('POST', '/api/auth/login', { username, password, ...(code === undefined ? {} : { code }) })
  /** Sets two-factor sign-in up and confirms it with the current code; the secret and the recovery codes. */
  const enrol = async (api: TestApi, password: string): Promise<{ secret: string; recoveryCodes: string[] }> => {
    const setup = await api.request('POST', '/api/auth/two-factor/setup')
    expect(setup.status, JSON.stringify(setup.body)).toBe(200)
    const confirmed = await api.request('POST', '/api/auth/two-factor/confirm', { code: codeAt(setup.body.secret as string, clock.now()), password })
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200)
    return { secret: setup.body.secret as string, recoveryCodes: confirmed.body.recoveryCodes as string[] }
  }
  /** Signed in with the password and the authenticator's next code (the current one may have been used). */
  const signedInWithCode = async (username: string, password: string, secret: string): Promise<TestApi> => {
    clock.set(clock.now() + STEP)
    const api = new TestApi(ctx.t.httpUrl)
    const answer = await api.request('POST', '/api/auth/login', { username, password, code: codeAt(secret, clock.now()) })
    expect(answer.status, JSON.stringify(answer.body)).toBe(200)
    return api
  }
  const auditActions = (): Array<{ action: string; username: string | null; target: string | null; reason: string | null }> => {
    const db = new Database(join(dataDir, 'hearth.db'), { readonly: true })
    try {
      return db.prepare("SELECT action, username, target, reason FROM audit_log WHERE action LIKE '%two-factor%' OR action LIKE 'sign-in%' ORDER BY seq").all() as never
    } finally {
      db.close()
    }
  }
  return { ctx, login, enrol, signedInWithCode, auditActions }
}

describe('two-factor sign-in with an authenticator app and recovery codes (RFC 6238; ASVS 6.3.3, 6.5)', () => {
  const clock = new ManualClock(T0)
  const { ctx, login, enrol, signedInWithCode, auditActions } = twoFactorPlatform(clock)
  let organisationId = ''

  beforeAll(async () => {
    ctx.t = await startTestPlatform(ctx.dataDir, {}, clock)
    organisationId = (await ctx.t.api.request('GET', '/api/auth/me')).body.user.organisationId as string
  })
  afterAll(async () => {
    await ctx.t?.close()
    removeDir(ctx.dataDir)
  })

  it('lets a responder choose it: set up, confirmed with a code, then every sign-in asks for a current code, each code once', async () => {
    const { api: sam } = await signedInUser(ctx.t, 'sam', ['responder'], organisationId)
    expect((await sam.request('GET', '/api/auth/me')).body.twoFactor).toEqual({ enabled: false, required: false, enrolBy: null })

    const first = await sam.request('POST', '/api/auth/two-factor/setup')
    expect(first.body.secret).toMatch(/^[A-Z2-7]{32}$/)
    expect(first.body.otpauthUri).toMatch(/^otpauth:\/\/totp\/Hearth:sam\?/)
    expect(new URL(first.body.otpauthUri as string).searchParams.get('secret')).toBe(first.body.secret)
    // Set up again before confirming: the newer secret is the one that counts.
    const setup = await sam.request('POST', '/api/auth/two-factor/setup')
    expect(setup.body.secret).not.toBe(first.body.secret)
    const stale = await sam.request('POST', '/api/auth/two-factor/confirm', { code: codeAt(first.body.secret as string, clock.now()), password: 'sam-password-1' })
    expect(stale.status).toBe(400)
    expect(stale.body.error.problems[0].field).toBe('code')
    // Not yet in force: the password alone still signs in.
    expect((await login('sam', 'sam-password-1')).status).toBe(200)

    const confirmingCode = codeAt(setup.body.secret as string, clock.now())
    // A session left open is not enough to change how its user signs in: the password too.
    const noPassword = await sam.request('POST', '/api/auth/two-factor/confirm', { code: confirmingCode })
    expect(noPassword.status).toBe(400)
    expect(noPassword.body.error.problems[0].field).toBe('password')
    const wrongPassword = await sam.request('POST', '/api/auth/two-factor/confirm', { code: confirmingCode, password: 'not-sams-password' })
    expect(wrongPassword.status).toBe(400)
    expect(wrongPassword.body.error.problems).toEqual([{ field: 'password', message: 'not your current password' }])
    const confirmed = await sam.request('POST', '/api/auth/two-factor/confirm', { code: confirmingCode, password: 'sam-password-1' })
    expect(confirmed.status).toBe(200)
    const codes = confirmed.body.recoveryCodes as string[]
    expect(codes).toHaveLength(10)
    expect(new Set(codes).size).toBe(10)
    for (const code of codes) expect(code).toMatch(/^[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}$/)
    expect((await sam.request('GET', '/api/auth/me')).body).toMatchObject({ user: { twoFactorEnabled: true }, twoFactor: { enabled: true, required: false, enrolBy: null } })
    expect((await sam.request('POST', '/api/auth/two-factor/setup')).status).toBe(409)

    const noCode = await login('sam', 'sam-password-1')
    expect(noCode.status).toBe(401)
    expect(noCode.body.error.code).toBe('two_factor_required')
    const wrongCode = await login('sam', 'sam-password-1', codeAt(setup.body.secret as string, clock.now() + 10 * 60_000))
    expect(wrongCode.status).toBe(401)
    expect(wrongCode.body.error).toMatchObject({ code: 'two_factor_required', message: expect.stringMatching(/wrong or has been used/) })
    // The code that confirmed it was used then.
    expect((await login('sam', 'sam-password-1', confirmingCode)).status).toBe(401)

    clock.set(clock.now() + STEP)
    const code = codeAt(setup.body.secret as string, clock.now())
    const phone = new TestApi(ctx.t.httpUrl)
    const signedIn = await phone.request('POST', '/api/auth/login', { username: 'sam', password: 'sam-password-1', code })
    expect(signedIn.status).toBe(200)
    expect(signedIn.body.twoFactor).toEqual({ enabled: true, required: false, enrolBy: null })
    expect((await phone.request('GET', '/api/alerts?status=open')).status).toBe(200)
    // Replayed, or a code from before it while still within the window: refused.
    const replayed = await login('sam', 'sam-password-1', code)
    expect(replayed.status).toBe(401)
    expect(replayed.body.error.code).toBe('two_factor_required')
    expect((await login('sam', 'sam-password-1', codeAt(setup.body.secret as string, clock.now() - STEP))).status).toBe(401)

    // Recovery codes are kept as hashes only.
    const db = new Database(join(ctx.dataDir, 'hearth.db'), { readonly: true })
    const stored = JSON.stringify(db.prepare('SELECT * FROM recovery_codes').all())
    db.close()
    for (const recovery of codes) expect(stored).not.toContain(recovery.replace(/-/g, ''))
    expect(auditActions()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ action: 'two-factor.enabled', username: 'sam' }),
        expect.objectContaining({ action: 'sign-in.failed', username: 'sam', reason: 'wrong two-factor code' }),
      ]),
    )
  })

  it('signs in once with each recovery code, typed in any case and with or without its dashes', async () => {
    const { api: rae } = await signedInUser(ctx.t, 'rae', ['clinician'], organisationId)
    const { recoveryCodes } = await enrol(rae, 'rae-password-1')
    const [first, second] = recoveryCodes as [string, string]
    expect((await login('rae', 'rae-password-1', first)).status).toBe(200)
    const again = await login('rae', 'rae-password-1', first)
    expect(again.status).toBe(401)
    expect(again.body.error.code).toBe('two_factor_required')
    expect((await login('rae', 'rae-password-1', ` ${second.replace(/-/g, '').toUpperCase()} `)).status).toBe(200)
    expect(auditActions().filter((entry) => entry.action === 'two-factor.recovery-code-used' && entry.username === 'rae')).toHaveLength(2)
  })

  it('answers a wrong password as it does for any account, code or no code, and leaves the code unused', async () => {
    const { api: wyn } = await signedInUser(ctx.t, 'wyn', ['responder'], organisationId)
    const { secret } = await enrol(wyn, 'wyn-password-1')
    clock.set(clock.now() + STEP)
    const code = codeAt(secret, clock.now())
    const unknown = await login('nobody-here', 'not-the-password')
    for (const attempt of [await login('wyn', 'not-the-password'), await login('wyn', 'not-the-password', code)]) {
      expect(attempt.status).toBe(401)
      expect(attempt.body).toEqual(unknown.body)
    }
    expect((await login('wyn', 'wyn-password-1', code)).status).toBe(200)
  })

  it('counts sign-ins without a right code against the sign-in limits, as wrong passwords are', async () => {
    const { api: lee } = await signedInUser(ctx.t, 'lee', ['responder'], organisationId)
    const { secret } = await enrol(lee, 'lee-password-1')
    const wrongCode = codeAt(secret, clock.now() + 10 * 60_000)
    // Ten failures in 15 minutes (from an address where lee signed in before) hold the account there.
    for (let i = 0; i < 5; i++) expect((await login('lee', 'lee-password-1')).status).toBe(401)
    for (let i = 0; i < 5; i++) expect((await login('lee', 'lee-password-1', wrongCode)).status).toBe(401)
    clock.set(clock.now() + STEP)
    const held = await login('lee', 'lee-password-1', codeAt(secret, clock.now()))
    expect(held.status).toBe(429)
    expect(held.body.error.code).toBe('too_many_requests')
  })

  it('ends the user’s other sessions when it is turned on or off, keeping the one that did it (ASVS 7.4.3)', async () => {
    const { api: tess } = await signedInUser(ctx.t, 'tess', ['responder'], organisationId)
    const otherDesk = new TestApi(ctx.t.httpUrl)
    await otherDesk.login('tess', 'tess-password-1')
    const { secret } = await enrol(tess, 'tess-password-1')
    expect((await otherDesk.request('GET', '/api/auth/me')).status).toBe(401)
    expect((await tess.request('GET', '/api/auth/me')).status).toBe(200)

    const phone = await signedInWithCode('tess', 'tess-password-1', secret)
    clock.set(clock.now() + STEP)
    expect((await tess.request('DELETE', '/api/auth/two-factor', { password: 'tess-password-1', code: codeAt(secret, clock.now()) })).status).toBe(204)
    expect((await phone.request('GET', '/api/auth/me')).status).toBe(401)
    expect((await tess.request('GET', '/api/auth/me')).status).toBe(200)
  })

  it('turns it off for a role that does not require it, given the password and a code; never for one that does', async () => {
    const { api: val } = await signedInUser(ctx.t, 'val', ['volunteer'], organisationId)
    const { secret } = await enrol(val, 'val-password-1')
    clock.set(clock.now() + STEP)
    const wrongPassword = await val.request('DELETE', '/api/auth/two-factor', { password: 'not-the-password', code: codeAt(secret, clock.now()) })
    expect(wrongPassword.status).toBe(400)
    expect(wrongPassword.body.error.problems).toEqual([{ field: 'password', message: 'not your current password' }])
    const wrongCode = await val.request('DELETE', '/api/auth/two-factor', { password: 'val-password-1', code: codeAt(secret, clock.now() + 10 * 60_000) })
    expect(wrongCode.body.error.problems[0].field).toBe('code')
    expect((await val.request('DELETE', '/api/auth/two-factor', { password: 'val-password-1', code: codeAt(secret, clock.now()) })).status).toBe(204)
    expect((await login('val', 'val-password-1')).status).toBe(200)
    expect((await val.request('GET', '/api/auth/me')).body.twoFactor.enabled).toBe(false)

    const { api: sue } = await signedInUser(ctx.t, 'sue', ['supervisor'], organisationId)
    const sueSecret = (await enrol(sue, 'sue-password-1')).secret
    clock.set(clock.now() + STEP)
    const refused = await sue.request('DELETE', '/api/auth/two-factor', { password: 'sue-password-1', code: codeAt(sueSecret, clock.now()) })
    expect(refused.status).toBe(409)
    expect(refused.body.error.message).toMatch(/your role requires two-factor sign-in/)
    expect((await login('sue', 'sue-password-1')).body.error.code).toBe('two_factor_required')
  })

  it('lets an admin reset the two-factor sign-in of a user who lost their authenticator, audited; they sign in with the password and set it up again', async () => {
    const { id, api: ola } = await signedInUser(ctx.t, 'ola', ['supervisor'], organisationId)
    await enrol(ola, 'ola-password-1')
    expect((await login('ola', 'ola-password-1')).body.error.code).toBe('two_factor_required')

    const me = (await ctx.t.api.request('GET', '/api/auth/me')).body.user
    expect((await ctx.t.api.request('DELETE', `/api/users/${me.id as string}/two-factor`)).status).toBe(409)
    const other = await ctx.t.api.request('POST', '/api/organisations', { name: 'Elsewhere Care', kind: 'telecare' })
    const { api: outsider } = await signedInUser(ctx.t, 'otto', ['org-admin'], other.body.id as string)
    expect((await outsider.request('DELETE', `/api/users/${id}/two-factor`)).status).toBe(404)
    const { api: responder } = await signedInUser(ctx.t, 'rory', ['responder'], organisationId)
    expect((await responder.request('DELETE', `/api/users/${id}/two-factor`)).status).toBe(403)

    expect((await ctx.t.api.request('DELETE', `/api/users/${id}/two-factor`)).status).toBe(204)
    expect((await ctx.t.api.request('DELETE', `/api/users/${id}/two-factor`)).status).toBe(409)
    expect(auditActions()).toContainEqual(expect.objectContaining({ action: 'user.two-factor-reset', username: 'admin', target: id }))
    const listed = (await ctx.t.api.request('GET', '/api/users')).body.users.find((u: { id: string }) => u.id === id)
    expect(listed.twoFactorEnabled).toBe(false)

    const back = new TestApi(ctx.t.httpUrl)
    expect((await back.request('POST', '/api/auth/login', { username: 'ola', password: 'ola-password-1' })).status).toBe(200)
    const { secret } = await enrol(back, 'ola-password-1')
    await signedInWithCode('ola', 'ola-password-1', secret)
  })
})

describe('two-factor sign-in required of admins, organisation admins and supervisors, after a grace', () => {
  const clock = new ManualClock(T0)
  const { ctx, login, enrol, signedInWithCode } = twoFactorPlatform(clock)
  let adminSecret = ''
  let token = ''
  let supervisorId = ''

  beforeAll(async () => {
    ctx.t = await startTestPlatform(ctx.dataDir, {}, clock)
  })
  afterAll(async () => {
    await ctx.t?.close()
    removeDir(ctx.dataDir)
  })

  it('gives a new account of those roles 7 days to set it up, and says by when', async () => {
    expect((await ctx.t.api.request('GET', '/api/auth/me')).body.twoFactor).toEqual({ enabled: false, required: true, enrolBy: new Date(T0 + 7 * DAY).toISOString() })
    const organisationId = (await ctx.t.api.request('GET', '/api/auth/me')).body.user.organisationId as string
    clock.set(T0 + DAY)
    // The admin's sign-in of the day before has ended.
    await ctx.t.api.login()
    const { id, api: sid } = await signedInUser(ctx.t, 'sid', ['supervisor'], organisationId)
    supervisorId = id
    expect((await sid.request('GET', '/api/auth/me')).body.twoFactor).toEqual({ enabled: false, required: true, enrolBy: new Date(T0 + 8 * DAY).toISOString() })
    token = (await ctx.t.api.request('POST', '/api/tokens', { name: 'wallboard', roles: ['supervisor'] })).body.token as string
    adminSecret = (await enrol(ctx.t.api, ADMIN_PASSWORD)).secret

    clock.set(T0 + 8 * DAY - 60_000)
    const inGrace = await login('sid', 'sid-password-1')
    expect(inGrace.status).toBe(200)
    expect(inGrace.body.user.mustEnrolTwoFactor).toBe(false)
    expect(inGrace.body.twoFactor.enrolBy).toBe(new Date(T0 + 8 * DAY).toISOString())
  })

  it('past the grace, signs the user in to set it up and to nothing else, on the API and the live feed, until they do', async () => {
    clock.set(T0 + 8 * DAY)
    const sid = new TestApi(ctx.t.httpUrl)
    const signedIn = await sid.request('POST', '/api/auth/login', { username: 'sid', password: 'sid-password-1' })
    expect(signedIn.status).toBe(200)
    expect(signedIn.body.user.mustEnrolTwoFactor).toBe(true)
    const refused = await sid.request('GET', '/api/alerts?status=open')
    expect(refused.status).toBe(403)
    expect(refused.body.error.message).toMatch(/set up two-factor sign-in first/)
    expect((await sid.request('GET', '/api/persons')).status).toBe(403)
    expect(await liveAnswer(ctx.t.httpUrl, { cookie: sid.cookie })).toBe('refused: set up two-factor sign-in first')
    expect((await sid.request('GET', '/api/auth/me')).body).toMatchObject({ user: { mustEnrolTwoFactor: true }, twoFactor: { enabled: false, required: true } })

    const { secret } = await enrol(sid, 'sid-password-1')
    expect((await sid.request('GET', '/api/alerts?status=open')).status).toBe(200)
    expect(await liveAnswer(ctx.t.httpUrl, { cookie: sid.cookie })).toBe('ready')
    expect((await sid.request('GET', '/api/auth/me')).body).toMatchObject({ user: { mustEnrolTwoFactor: false }, twoFactor: { enabled: true, enrolBy: null } })
    expect((await login('sid', 'sid-password-1')).body.error.code).toBe('two_factor_required')
    await signedInWithCode('sid', 'sid-password-1', secret)
    expect((await sid.request('POST', '/api/auth/logout')).status).toBe(204)
  })

  it('asks an API token for no code: it is not a person signing in', async () => {
    const bearer = { authorization: `Bearer ${token}` }
    const me = await new TestApi(ctx.t.httpUrl).request('GET', '/api/auth/me', undefined, bearer)
    expect(me.body.twoFactor).toEqual({ enabled: false, required: false, enrolBy: null })
    expect((await new TestApi(ctx.t.httpUrl).request('GET', '/api/alerts?status=open', undefined, bearer)).status).toBe(200)
  })

  it('asks again at once after an admin resets it past the grace', async () => {
    const admin = await signedInWithCode('admin', ADMIN_PASSWORD, adminSecret)
    expect((await admin.request('DELETE', `/api/users/${supervisorId}/two-factor`)).status).toBe(204)
    const signedIn = await login('sid', 'sid-password-1')
    expect(signedIn.status).toBe(200)
    expect(signedIn.body.user.mustEnrolTwoFactor).toBe(true)
  })
})
