import { Secret, TOTP } from 'otpauth'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN_PASSWORD, TestApi } from '../../harness/test-platform.js'
import { seriousViolations, signIn } from '../helpers/browser.js'
import { BrowserRig } from '../helpers/browser-rig.js'

/**
 * The authenticator's code: for the next step, which is later than any step a code was taken for
 * so far and still within the step either side that the platform takes.
 */
const nextCode = (secret: string): string => TOTP.generate({ secret: Secret.fromBase32(secret), timestamp: Date.now() + 30_000 })

/** Sets it up on the page's set-up form: reads the key the page shows, types the app's code, and stores the recovery codes. */
async function setUpOnPage(page: Page, password: string): Promise<{ secret: string; recoveryCodes: string[] }> {
  await page.getByRole('button', { name: 'Set up two-factor sign-in' }).click()
  const secret = await page.getByLabel('Key', { exact: true }).inputValue()
  expect(await seriousViolations(page)).toEqual([])
  expect(await page.getByLabel('Set-up link').inputValue()).toMatch(/^otpauth:\/\/totp\/Hearth:/)
  await page.getByLabel('The 6-digit code the app shows for Hearth').fill(TOTP.generate({ secret: Secret.fromBase32(secret), timestamp: Date.now() }))
  // A session left open is not enough: the password too.
  await page.getByLabel('Your password, to show it is you').fill('not-my-password')
  await page.getByRole('button', { name: 'Turn on two-factor sign-in' }).click()
  await expect.poll(() => page.locator('#two-factor-password-problems').textContent(), { timeout: 10_000 }).toMatch(/not your current password/)
  await page.getByLabel('Your password, to show it is you').fill(password)
  await page.getByRole('button', { name: 'Turn on two-factor sign-in' }).click()
  const codes = page.getByTestId('recovery-codes')
  await expect.poll(() => codes.getByRole('status').textContent(), { timeout: 10_000 }).toMatch(/Store these recovery codes now/)
  expect(await seriousViolations(page)).toEqual([])
  const recoveryCodes = await codes.locator('ol code').allTextContents()
  expect(recoveryCodes).toHaveLength(10)
  await page.getByRole('button', { name: 'I have stored them' }).click()
  return { secret, recoveryCodes }
}

/** In Chromium: setting two-factor sign-in up, signing in with a code, and a required role made to set it up first. */
describe('two-factor sign-in in the dashboard', { timeout: 120_000 }, () => {
  const rig = new BrowserRig()
  let organisationId = ''

  beforeAll(async () => {
    // No grace: the roles that require it set it up before anything else, the admin included.
    const t = await rig.start({ HEARTH_TWO_FACTOR_GRACE_DAYS: '0' })
    const setup = await t.api.request('POST', '/api/auth/two-factor/setup')
    const secret = setup.body.secret as string
    await t.api.request('POST', '/api/auth/two-factor/confirm', { code: TOTP.generate({ secret: Secret.fromBase32(secret), timestamp: Date.now() }), password: ADMIN_PASSWORD })
    organisationId = (await t.api.request('GET', '/api/auth/me')).body.user.organisationId as string
    for (const [username, roles] of [['tess', ['responder']], ['stan', ['supervisor']]] as const) {
      const made = await t.api.request('POST', '/api/users', { username, password: `${username}-password-1`, organisationId, roles })
      expect(made.status, JSON.stringify(made.body)).toBe(201)
    }
  })
  afterAll(() => rig.close())

  it('lets a responder turn it on from their account page; then signing in asks for the code', async () => {
    const page = await rig.signedIn({ username: 'tess', password: 'tess-password-1' })
    await page.getByTestId('queue').waitFor({ timeout: 10_000 })
    await page.getByRole('link', { name: 'Your account' }).click()
    const section = page.getByTestId('two-factor')
    await expect.poll(() => section.getAttribute('data-enabled')).toBe('false')
    const { secret } = await setUpOnPage(page, 'tess-password-1')
    await expect.poll(() => section.getAttribute('data-enabled')).toBe('true')
    expect(await section.textContent()).toContain('Turn two-factor sign-in off')

    await page.getByRole('button', { name: 'Sign out' }).click()
    await signIn(page, rig.platform.httpUrl, 'tess', 'tess-password-1')
    const code = page.getByLabel('Code from your authenticator app')
    await code.waitFor({ timeout: 10_000 })
    expect(await page.getByTestId('queue').count()).toBe(0)
    await code.fill(TOTP.generate({ secret: Secret.fromBase32(secret), timestamp: Date.now() + 10 * 60_000 }))
    await page.getByRole('button', { name: 'Sign in' }).click()
    await expect.poll(() => page.getByTestId('signin-form').getByRole('alert').textContent()).toMatch(/That code is wrong or has been used/)
    await code.fill(nextCode(secret))
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByTestId('queue').waitFor({ timeout: 10_000 })
  })

  it('shows a supervisor past the grace only the set-up, then the dashboard', async () => {
    const page = await rig.signedIn({ username: 'stan', password: 'stan-password-1' })
    const screen = page.getByTestId('enrol-two-factor')
    await screen.waitFor({ timeout: 10_000 })
    expect(await screen.getByRole('status').first().textContent()).toMatch(/Your role requires two-factor sign-in/)
    expect(await page.getByTestId('queue').count()).toBe(0)
    expect(await page.getByRole('navigation', { name: 'Main' }).count()).toBe(0)
    const { recoveryCodes } = await setUpOnPage(page, 'stan-password-1')
    await page.getByTestId('queue').waitFor({ timeout: 10_000 })
    expect(await page.getByTestId('two-factor-banner').count()).toBe(0)

    // A recovery code signs in too, once.
    const api = new TestApi(rig.platform.httpUrl)
    const code = recoveryCodes[0] as string
    expect((await api.request('POST', '/api/auth/login', { username: 'stan', password: 'stan-password-1', code })).status).toBe(200)
    expect((await api.request('POST', '/api/auth/login', { username: 'stan', password: 'stan-password-1', code })).status).toBe(401)
  })
})
