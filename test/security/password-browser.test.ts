import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN_PASSWORD } from '../../harness/test-platform.js'
import { signIn } from '../helpers/browser.js'
import { BrowserRig } from '../helpers/browser-rig.js'

/** A responder whose password an admin reset, in Chromium: they choose their own before they see anything. */
describe('choosing one\'s own password in the dashboard', { timeout: 120_000 }, () => {
  const rig = new BrowserRig()
  let userId = ''

  beforeAll(async () => {
    const t = await rig.start()
    const organisationId = (await t.api.request('GET', '/api/auth/me')).body.user.organisationId as string
    const made = await t.api.request('POST', '/api/users', { username: 'rita', displayName: 'Rita Responder', password: 'rita-password-1', organisationId, roles: ['responder'] })
    userId = made.body.id as string
  })
  afterAll(() => rig.close())

  it('lets an admin reset a password on the users page', async () => {
    const admin = await rig.signedIn({ username: 'admin', password: ADMIN_PASSWORD })
    await admin.getByTestId('nav-users').click()
    const row = admin.locator('[data-testid="user-row"][data-username="rita"]')
    await row.getByTestId('user-reset-password').click()
    await row.getByLabel('Temporary password (at least 12 characters)').fill('temporary-password-9')
    await row.getByRole('button', { name: 'Set it and sign rita out' }).click()
    await expect.poll(() => row.getByRole('status').textContent(), { timeout: 10_000 }).toMatch(/rita is signed out and chooses a new password at the next sign-in/)
    await expect.poll(() => row.textContent()).toContain('New password due')
  })

  it('asks for a new password after a reset, checks it, then opens the queue; the header changes it again later', async () => {
    const page = await rig.page()
    await signIn(page, rig.platform.httpUrl, 'rita', 'temporary-password-9')
    await expect.poll(() => page.getByRole('heading', { name: 'Choose your own password' }).isVisible(), { timeout: 10_000 }).toBe(true)
    expect(await page.getByTestId('queue').count()).toBe(0)

    const form = page.getByTestId('choose-password-form')
    await form.getByLabel('Current password').fill('temporary-password-9')
    await form.getByLabel('New password', { exact: true }).fill('rita-own-password-2')
    await form.getByLabel('New password again').fill('rita-own-password-3')
    await form.getByRole('button', { name: 'Save and carry on' }).click()
    await expect.poll(() => form.getByRole('alert').textContent()).toBe('The two new passwords differ.')

    await form.getByLabel('Current password').fill('not-the-password')
    await form.getByLabel('New password again').fill('rita-own-password-2')
    await form.getByRole('button', { name: 'Save and carry on' }).click()
    await expect.poll(() => page.locator('#current-password-problems').textContent()).toBe('not your current password')

    await form.getByLabel('Current password').fill('temporary-password-9')
    await form.getByRole('button', { name: 'Save and carry on' }).click()
    await page.getByTestId('queue').waitFor({ timeout: 10_000 })
    expect((await rig.platform.api.request('GET', '/api/users')).body.users.find((u: { id: string }) => u.id === userId).mustChangePassword).toBe(false)

    // Later, by choice: the header's button, and back without changing it.
    await page.getByRole('button', { name: 'Change password' }).click()
    await expect.poll(() => page.getByRole('heading', { name: 'Change your password' }).isVisible()).toBe(true)
    await page.getByRole('button', { name: 'Back, without changing it' }).click()
    await page.getByTestId('queue').waitFor()
  })
})
