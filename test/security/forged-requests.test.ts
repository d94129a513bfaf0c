import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TestApi, liveAnswer, removeDir, startTestPlatform, tempDir, type TestPlatform } from '../../harness/test-platform.js'

describe('requests from pages that are not Hearth\'s (ASVS 3.5.1, 4.4.2)', () => {
  const dataDir = tempDir()
  let t: TestPlatform
  const persons = async (): Promise<number> => (await t.api.request('GET', '/api/persons')).body.persons.length as number

  beforeAll(async () => {
    t = await startTestPlatform(dataDir)
  })
  afterAll(async () => {
    await t?.close()
    removeDir(dataDir)
  })

  it.each([
    ['an Origin of another port of the same host', { origin: 'http://127.0.0.1:1' }, /sent by a page at http:\/\/127\.0\.0\.1:1, not Hearth's own/],
    ['an opaque Origin (a sandboxed frame, a file)', { origin: 'null' }, /an opaque origin/],
    ['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }, /a page on another site/],
    ['Sec-Fetch-Site: same-site (another port or subdomain)', { 'sec-fetch-site': 'same-site' }, /another origin of this site/],
    ['Sec-Fetch-Site cross-site even with a matching Origin', { 'sec-fetch-site': 'cross-site', origin: 'ORIGIN' }, /another site/],
  ])('refuses a change sent on the session cookie with %s, and changes nothing', async (_what, headers, message) => {
    const before = await persons()
    const sent = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, v.replace('ORIGIN', t.httpUrl)]))
    const answer = await t.api.request('POST', '/api/persons', { name: 'Forged Person' }, sent)
    expect(answer.status).toBe(403)
    expect(answer.body.error.code).toBe('forbidden')
    expect(answer.body.error.message).toMatch(message)
    expect(await persons()).toBe(before)
  })

  it('refuses a forged sign-in and a forged read too', async () => {
    const anonymous = new TestApi(t.httpUrl)
    const login = await anonymous.request('POST', '/api/auth/login', { username: 'admin', password: 'whatever-it-is' }, { 'sec-fetch-site': 'cross-site' })
    expect(login.status).toBe(403)
    expect((await t.api.request('GET', '/api/persons', undefined, { 'sec-fetch-site': 'same-site' })).status).toBe(403)
  })

  it.each([
    ['its own Origin', { origin: 'ORIGIN' }],
    ['Sec-Fetch-Site: same-origin', { 'sec-fetch-site': 'same-origin' }],
    ['Sec-Fetch-Site: none (typed into the address bar)', { 'sec-fetch-site': 'none' }],
    ['neither header (not a browser: curl, an integration)', {}],
  ])('takes a change from %s', async (_what, headers) => {
    const sent = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, v.replace('ORIGIN', t.httpUrl)]))
    expect((await t.api.request('POST', '/api/persons', { name: 'Own Person' }, sent)).status).toBe(201)
  })

  it('takes a request on a bearer token from anywhere: a token is never sent by a browser on its own', async () => {
    const token = (await t.api.request('POST', '/api/tokens', { name: 'integration', roles: ['admin'] })).body.token as string
    const integration = new TestApi(t.httpUrl)
    const answer = await integration.request('POST', '/api/persons', { name: 'Via Token' }, { authorization: `Bearer ${token}`, origin: 'https://integration.example.org' })
    expect(answer.status).toBe(201)
  })

  it('keeps no API answer in a cache', async () => {
    const response = await fetch(`${t.httpUrl}/api/persons`, { headers: { cookie: t.api.cookie } })
    expect(response.headers.get('cache-control')).toBe('no-store')
    expect((await fetch(`${t.httpUrl}/api/nothing-here`)).headers.get('cache-control')).toBe('no-store')
  })

  it('opens the live feed to Hearth\'s own pages only', async () => {
    const cookie = t.api.cookie
    expect(await liveAnswer(t.httpUrl, { cookie, origin: 'http://127.0.0.1:1' })).toMatch(/^refused/)
    expect(await liveAnswer(t.httpUrl, { cookie, origin: 'null' })).toMatch(/^refused/)
    expect(await liveAnswer(t.httpUrl, { cookie, origin: t.httpUrl })).toBe('ready')
    expect(await liveAnswer(t.httpUrl, { cookie })).toBe('ready')
  })
})

describe('HEARTH_PUBLIC_ORIGIN, behind a proxy that rewrites Host', () => {
  const dataDir = tempDir()
  let t: TestPlatform

  beforeAll(async () => {
    t = await startTestPlatform(dataDir, { HEARTH_PUBLIC_ORIGIN: 'https://care.example.org, https://care.example.net' })
  })
  afterAll(async () => {
    await t?.close()
    removeDir(dataDir)
  })

  it('takes requests from the origins it names and from no other', async () => {
    expect((await t.api.request('POST', '/api/persons', { name: 'Via Proxy' }, { origin: 'https://care.example.net' })).status).toBe(201)
    expect((await t.api.request('POST', '/api/persons', { name: 'Forged' }, { origin: 'https://evil.example.org' })).status).toBe(403)
    expect(await liveAnswer(t.httpUrl, { cookie: t.api.cookie, origin: 'https://care.example.org' })).toBe('ready')
  })
})
