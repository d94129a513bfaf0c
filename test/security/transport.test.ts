import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TestApi, removeDir, startTestPlatform, tempDir, type TestPlatform } from '../../harness/test-platform.js'
import { loadConfig } from '../../platform/config.js'
import { openInClear } from '../../platform/open-in-clear.js'

describe('behind an HTTPS proxy: Secure cookies with the __Host- prefix, and HSTS (ASVS 3.3.3, 3.4.1)', () => {
  const dataDir = tempDir()
  let t: TestPlatform

  beforeAll(async () => {
    t = await startTestPlatform(dataDir, { HEARTH_SECURE_COOKIES: 'true', HEARTH_TRUST_PROXY: '1' })
  })
  afterAll(async () => {
    await t?.close()
    removeDir(dataDir)
  })

  it('names the session cookie __Host-hearth_session, Secure, for path / and no domain, and takes it back', async () => {
    const response = await fetch(`${t.httpUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-proto': 'https' },
      body: JSON.stringify({ username: 'admin', password: 'test-admin-password-1' }),
    })
    expect(response.status).toBe(200)
    const cookie = response.headers.get('set-cookie') ?? ''
    expect(cookie).toMatch(/^__Host-hearth_session=[\w-]+; Max-Age=\d+; Path=\/; HttpOnly; Secure; SameSite=Strict$/)
    expect(cookie).not.toMatch(/Domain=/i)
    const api = new TestApi(t.httpUrl)
    api.cookie = cookie.split(';')[0] ?? ''
    expect((await api.request('GET', '/api/auth/me')).body.user.username).toBe('admin')
  })

  it('sends Strict-Transport-Security on answers the browser got over HTTPS, and only those', async () => {
    const secure = await fetch(`${t.httpUrl}/healthz`, { headers: { 'x-forwarded-proto': 'https' } })
    expect(secure.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains')
    const plain = await fetch(`${t.httpUrl}/healthz`)
    expect(plain.headers.get('strict-transport-security')).toBeNull()
  })
})

describe('the warning at start', () => {
  it('is given when Hearth listens beyond loopback over plain HTTP, and not on loopback or behind HTTPS', () => {
    expect(openInClear(loadConfig({}))).toBe(true)
    expect(openInClear(loadConfig({ HEARTH_HOST: '192.0.2.10' }))).toBe(true)
    expect(openInClear(loadConfig({ HEARTH_HOST: '127.0.0.1' }))).toBe(false)
    expect(openInClear(loadConfig({ HEARTH_HOST: '::1' }))).toBe(false)
    expect(openInClear(loadConfig({ HEARTH_SECURE_COOKIES: 'true' }))).toBe(false)
  })
})
