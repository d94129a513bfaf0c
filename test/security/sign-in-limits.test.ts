import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { removeDir, startTestPlatform, tempDir, type TestPlatform } from '../../harness/test-platform.js'
import type { SignInLimitSettings } from '../../stores/sign-in-limits.js'

/**
 * The limits in short: their store keeps time by the system clock (rate-limiter-flexible), so the
 * tests shorten the windows and holds rather than move a clock. Hop count 1: the test client is
 * its own reverse proxy, and `X-Forwarded-For` says which address each request comes from.
 */
const LIMITS: SignInLimitSettings = {
  account: { failures: 3, windowMs: 60_000, firstHoldMs: 1000, longestHoldMs: 4000 },
  address: { failures: 6, windowMs: 60_000, firstHoldMs: 60_000, longestHoldMs: 120_000 },
  backOffMemoryMs: 60_000,
  knownAddressMs: 60_000,
}
const BEHIND_ONE_PROXY = { HEARTH_TRUST_PROXY: '1' }

interface Answer {
  status: number
  body: any
  retryAfter: string | null
}

async function post(baseUrl: string, path: string, body: unknown, from?: string, cookie?: string): Promise<Answer> {
  const response = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(from ? { 'x-forwarded-for': from } : {}), ...(cookie ? { cookie } : {}) },
    body: JSON.stringify(body),
  })
  const text = await response.text()
  return { status: response.status, body: text ? JSON.parse(text) : undefined, retryAfter: response.headers.get('retry-after') }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

describe('sign-in limits per account and per address (ASVS 6.3.1, 2.4.1)', () => {
  const dataDir = tempDir()
  let t: TestPlatform
  let organisationId = ''

  const signIn = (username: string, password: string, from?: string): Promise<Answer> => post(t.httpUrl, '/api/auth/login', { username, password }, from)
  const passwordOf = (username: string): string => `${username} walks the plum orbit canvas 47`
  const newUser = async (username: string): Promise<void> => {
    const made = await t.api.request('POST', '/api/users', { username, password: passwordOf(username), organisationId, roles: ['responder'] })
    expect(made.status, JSON.stringify(made.body)).toBe(201)
  }

  beforeAll(async () => {
    t = await startTestPlatform(dataDir, BEHIND_ONE_PROXY, undefined, undefined, { signInLimits: LIMITS })
    organisationId = (await t.api.request('GET', '/api/auth/me')).body.user.organisationId as string
  })
  afterAll(async () => {
    await t?.close()
    removeDir(dataDir)
  })

  it('holds an account after its failures from any addresses (429 with Retry-After), but not at an address it signed in from', async () => {
    await newUser('ann')
    expect((await signIn('ann', passwordOf('ann'), '192.0.2.10')).status).toBe(200)
    for (let i = 1; i <= 3; i++) {
      const wrong = await signIn('ann', 'not her password', `203.0.113.${i}`)
      expect(wrong).toMatchObject({ status: 401, body: { error: { code: 'unauthorized', message: 'wrong username or password' } } })
    }
    const held = await signIn('ann', 'not her password', '203.0.113.4')
    expect(held.status).toBe(429)
    expect(held.body.error).toEqual({ code: 'too_many_requests', message: 'too many failed sign-ins; try again in 1 s' })
    expect(held.retryAfter).toBe('1')
    // Even the right password, from anywhere she has not signed in from: it is not checked.
    expect((await signIn('ann', passwordOf('ann'), '203.0.113.5')).status).toBe(429)
    // Where she signed in before, someone guessing elsewhere does not lock her out.
    expect((await signIn('ann', passwordOf('ann'), '192.0.2.10')).status).toBe(200)
  })

  it('holds again after the hold ends and the failures resume, twice as long', async () => {
    await newUser('bea')
    for (let i = 0; i < 3; i++) expect((await signIn('bea', 'guess', '203.0.113.20')).status).toBe(401)
    const first = await signIn('bea', 'guess', '203.0.113.21')
    expect(first).toMatchObject({ status: 429, retryAfter: '1' })
    await sleep(1100)
    for (let i = 0; i < 3; i++) expect((await signIn('bea', 'guess', '203.0.113.22')).status).toBe(401)
    const second = await signIn('bea', 'guess', '203.0.113.23')
    expect(second).toMatchObject({ status: 429, retryAfter: '2' })
    expect(second.body.error.message).toBe('too many failed sign-ins; try again in 2 s')
  })

  it('holds an address after failures across usernames, known or not, alike; other addresses go on', async () => {
    await newUser('cat')
    const answers = [await signIn('cat', 'guess', '198.51.100.7')]
    for (let i = 1; i <= 5; i++) answers.push(await signIn(`ghost-${i}`, 'guess', '198.51.100.7'))
    // An unknown username is answered as a known one is: nothing says which exist.
    for (const answer of answers) expect(answer).toMatchObject({ status: 401, body: { error: { message: 'wrong username or password' } } })
    const heldKnown = await signIn('cat', passwordOf('cat'), '198.51.100.7')
    const heldUnknown = await signIn('ghost-9', 'guess', '198.51.100.7')
    expect(heldKnown).toMatchObject({ status: 429, retryAfter: '60' })
    expect(heldUnknown).toMatchObject({ status: 429, retryAfter: '60' })
    expect(heldUnknown.body).toEqual(heldKnown.body)
    expect((await signIn('cat', passwordOf('cat'), '198.51.100.8')).status).toBe(200)
    expect((await signIn('ghost-10', 'guess', '198.51.100.8')).status).toBe(401)
  })

  it("clears the account's count from an address on a success there, not the address's count", async () => {
    await newUser('dan')
    const from = '192.0.2.30'
    for (let i = 0; i < 2; i++) expect((await signIn('dan', 'guess', from)).status).toBe(401)
    expect((await signIn('dan', passwordOf('dan'), from)).status).toBe(200)
    // Dan's count there starts again: three more failures before a hold.
    for (let i = 0; i < 3; i++) expect((await signIn('dan', 'guess', from)).status).toBe(401)
    expect((await signIn('dan', 'guess', from)).status).toBe(429)
    // The address keeps its two failures: four more, across usernames, hold it.
    for (let i = 1; i <= 4; i++) expect((await signIn(`nobody-${i}`, 'guess', from)).status).toBe(401)
    expect((await signIn('nobody-5', 'guess', from)).status).toBe(429)
  })

  it('counts a wrong current password in a password change as a failed sign-in', async () => {
    await newUser('fay')
    const from = '192.0.2.40'
    const signedIn = await fetch(`${t.httpUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': from },
      body: JSON.stringify({ username: 'fay', password: passwordOf('fay') }),
    })
    expect(signedIn.status).toBe(200)
    const cookie = (signedIn.headers.get('set-cookie') ?? '').split(';')[0]
    const change = (currentPassword: string): Promise<Answer> => post(t.httpUrl, '/api/auth/password', { currentPassword, newPassword: 'fay chooses another long plum sentence 8' }, from, cookie)
    for (let i = 0; i < 3; i++) expect((await change('not it')).body.error.problems[0].field).toBe('currentPassword')
    const held = await change(passwordOf('fay'))
    expect(held).toMatchObject({ status: 429, retryAfter: '1', body: { error: { code: 'too_many_requests', message: 'too many wrong passwords; try again in 1 s' } } })
  })

  it('checks a few passwords at once: a flood of bad sign-ins from one address is refused at once, and a real sign-in elsewhere goes through', async () => {
    await newUser('gus')
    const flood = Array.from({ length: 64 }, (_, i) => signIn(`flood-${i}`, 'guess', '198.51.100.99'))
    // Once the flood is answering (refusals come back at once, while its own checks are under way):
    expect([401, 429]).toContain((await Promise.race(flood)).status)
    const real = await signIn('gus', passwordOf('gus'), '192.0.2.60')
    expect(real.status).toBe(200)
    expect(real.body.user.username).toBe('gus')
    const answers = await Promise.all(flood)
    const checked = answers.filter((a) => a.status === 401)
    const refused = answers.filter((a) => a.status === 429)
    expect(checked.length + refused.length).toBe(64)
    // At most three at once from one address; the rest refused at once, or held by the address limit once six failed.
    expect(checked.length).toBeLessThanOrEqual(LIMITS.address.failures)
    expect(refused.filter((a) => /being checked/.test(a.body.error.message as string)).length).toBeGreaterThan(0)
    for (const answer of refused) expect(answer.retryAfter).toMatch(/^\d+$/)
  })

  it('queues only a few checks from many addresses at once, and refuses the rest with 503 at once', async () => {
    const flood = await Promise.all(Array.from({ length: 64 }, (_, i) => signIn(`spray-${i}`, 'guess', `100.64.0.${i + 1}`)))
    const checked = flood.filter((a) => a.status === 401)
    const busy = flood.filter((a) => a.status === 503)
    expect(checked.length + busy.length).toBe(64)
    expect(checked.length).toBeGreaterThanOrEqual(10)
    expect(busy.length).toBeGreaterThan(0)
    for (const answer of busy) expect(answer).toMatchObject({ retryAfter: '1', body: { error: { code: 'unavailable' } } })
  })
})

describe('sign-in limits across a restart', () => {
  const dataDir = tempDir()
  const limits: SignInLimitSettings = { ...LIMITS, account: { ...LIMITS.account, firstHoldMs: 10 * 60_000, longestHoldMs: 60 * 60_000 } }

  afterAll(() => removeDir(dataDir))

  it('keeps failures and holds in the data folder: a restart forgets neither', async () => {
    let t = await startTestPlatform(dataDir, BEHIND_ONE_PROXY, undefined, undefined, { signInLimits: limits })
    try {
      for (let i = 1; i <= 3; i++) expect((await post(t.httpUrl, '/api/auth/login', { username: 'admin', password: 'guess' }, `203.0.113.${60 + i}`)).status).toBe(401)
      expect((await post(t.httpUrl, '/api/auth/login', { username: 'admin', password: 'guess' }, '203.0.113.70')).status).toBe(429)
      expect((await post(t.httpUrl, '/api/auth/login', { username: 'ghost', password: 'guess' }, '198.51.100.70')).status).toBe(401)
    } finally {
      await t.close()
    }
    t = await startTestPlatform(dataDir, BEHIND_ONE_PROXY, undefined, undefined, { signInLimits: limits })
    try {
      const held = await post(t.httpUrl, '/api/auth/login', { username: 'admin', password: 'guess' }, '203.0.113.71')
      expect(held.status).toBe(429)
      expect(Number(held.retryAfter)).toBeGreaterThan(60)
      // The unknown username's one failure is still counted: two more from anywhere, and it is held too.
      for (let i = 0; i < 2; i++) expect((await post(t.httpUrl, '/api/auth/login', { username: 'ghost', password: 'guess' }, `198.51.100.${71 + i}`)).status).toBe(401)
      expect((await post(t.httpUrl, '/api/auth/login', { username: 'ghost', password: 'guess' }, '198.51.100.80')).status).toBe(429)
    } finally {
      await t.close()
    }
  })
})
