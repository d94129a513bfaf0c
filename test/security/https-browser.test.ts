import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN_PASSWORD, connectDevice, removeDir, startTestPlatform, tempDir, type TestPlatform } from '../../harness/test-platform.js'
import { launchBrowser, signIn } from '../helpers/browser.js'
import { throwawayCert } from '../helpers/throwaway-cert.js'

/** The dashboard as a responder's browser sees it when Hearth serves HTTPS itself. */
describe('the dashboard over HTTPS, in Chromium', { timeout: 120_000 }, () => {
  const certDir = tempDir('hearth-https-browser-')
  const dataDir = tempDir()
  let t: TestPlatform
  let browser: Browser

  beforeAll(async () => {
    const cert = throwawayCert(certDir)
    t = await startTestPlatform(dataDir, { HEARTH_TLS_KEY_FILE: cert.keyFile, HEARTH_TLS_CERT_FILE: cert.certFile, HEARTH_MQTTS_PORT: '0' })
    // Chromium trusts this one key, as it would a certificate from a CA it knows.
    browser = await launchBrowser([`--ignore-certificate-errors-spki-list=${cert.spki}`])
  })
  afterAll(async () => {
    await browser?.close()
    await t?.close()
    removeDir(dataDir)
    removeDir(certDir)
  })

  it('loads, signs in with a Secure __Host- cookie, and shows an alarm that came over wss', async () => {
    const personId = await t.api.createPerson('Ada Lovelace')
    const device = await t.api.provision('pendant', personId, 'pendant-https')
    const context = await browser.newContext()
    const page = await context.newPage()
    await signIn(page, t.httpUrl, 'admin', ADMIN_PASSWORD)
    await page.getByTestId('queue').waitFor({ timeout: 10_000 })
    expect(page.url()).toBe(`${t.httpUrl}/`)
    const cookies = await context.cookies()
    expect(cookies.map((c) => ({ name: c.name, secure: c.secure }))).toEqual([{ name: '__Host-hearth_session', secure: true }])

    const client = await connectDevice(`wss://127.0.0.1:${t.platform.httpPort}/mqtt`, device, { ...(t.ca === undefined ? {} : { ca: t.ca }) })
    try {
      await client.publishAsync('wellbeing/v1/devices/pendant-https/events', JSON.stringify({ id: 'https-e-1', type: 'alarm.pressed' }), { qos: 1 })
      await expect.poll(() => page.getByTestId('alert-item').count(), { timeout: 10_000 }).toBe(1)
    } finally {
      await client.endAsync()
      await context.close()
    }
  })
})
