import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { CircleScene, fitsWidth, seriousViolations } from '../../helpers/browser.js'
import { BrowserRig, DESKTOP } from '../../helpers/browser-rig.js'
import { ADMIN_PASSWORD, TestApi, eventually, type TestPlatform } from '../../../harness/test-platform.js'

const SCREENSHOTS = process.env.HEARTH_SCREENSHOTS ?? '/tmp/hearth-screens'

/** The platform admin's organisations and users, in a real browser. */
describe('organisations and users in a real browser', { timeout: 120_000 }, () => {
  const rig = new BrowserRig()
  let t: TestPlatform
  let personId: string

  const adminPage = async (viewport = DESKTOP): Promise<Page> => {
    const page = await rig.signedIn({ username: 'admin', password: ADMIN_PASSWORD }, viewport)
    await page.getByTestId('queue').waitFor()
    return page
  }

  beforeAll(async () => {
    t = await rig.start()
    personId = await new CircleScene(t.api).person('Edith Cavell', { monitoredBy: 'o-hearth' })
  })

  afterAll(() => rig.close())

  it('adds an organisation, then a user in it; the person role asks for the person', async () => {
    const page = await adminPage()
    await page.getByTestId('nav-organisations').click()
    await page.getByTestId('organisations-page').waitFor()
    await page.getByLabel('Name').fill('Riverside District Nursing')
    await page.getByLabel('Kind').selectOption({ label: 'NHS health team' })
    await page.getByRole('button', { name: 'Add organisation' }).click()
    const row = page.getByTestId('organisation-row').filter({ hasText: 'Riverside District Nursing' })
    await row.waitFor()
    expect(await row.textContent()).toContain('NHS health team')
    expect(await seriousViolations(page)).toEqual([])

    await page.getByTestId('nav-users').click()
    await page.getByTestId('users-page').waitFor()
    const form = page.locator('form[aria-labelledby="new-user-title"]')
    await form.getByLabel('Username').fill('nia')
    await form.getByLabel('Password').fill('nia-password-1')
    await form.getByLabel('Display name').fill('Nia Jones')
    await form.getByLabel('Email (for escalations)').fill('nia.jones@riverside.example.org')
    await form.getByLabel('Organisation', { exact: true }).selectOption({ label: 'Riverside District Nursing (NHS health team)' })
    await form.getByLabel('Responder', { exact: true }).uncheck()
    await form.getByLabel('Clinician', { exact: true }).check()
    expect(await form.getByLabel('Person id').count()).toBe(0)
    await form.getByRole('button', { name: 'Add user' }).click()
    const nia = page.locator('[data-testid="user-row"][data-username="nia"]')
    await nia.waitFor()
    expect(await nia.textContent()).toContain('Riverside District Nursing')
    expect(await nia.getByLabel('Email of nia').inputValue()).toBe('nia.jones@riverside.example.org')
    expect(await form.getByLabel('Email (for escalations)').inputValue()).toBe('')

    await form.getByLabel('Username').fill('edith')
    await form.getByLabel('Password').fill('edith-password-1')
    await form.getByLabel('Display name').fill('Edith Cavell')
    await form.getByLabel('Organisation', { exact: true }).selectOption({ label: 'Hearth telecare service (Telecare service / alarm receiving centre)' })
    await form.getByLabel('Clinician', { exact: true }).uncheck()
    await form.getByLabel('The person (or their proxy)').check()
    await form.getByLabel('Person id').fill(personId)
    await form.getByRole('button', { name: 'Add user' }).click()
    await page.locator('[data-testid="user-row"][data-username="edith"]').waitFor()
    expect(await seriousViolations(page)).toEqual([])
    await page.screenshot({ path: `${SCREENSHOTS}/users.png`, fullPage: true })
  })

  it("changes a user's email on their row, shows the field's problem with one that is not an address, and removes it", async () => {
    const page = await adminPage()
    await page.goto(`${t.httpUrl}/#/users`)
    const row = page.locator('[data-testid="user-row"][data-username="nia"]')
    const email = row.getByLabel('Email of nia')
    const emailOfNia = async () => ((await t.api.request('GET', '/api/users')).body.users as Array<{ username: string; email: string | null }>).find((u) => u.username === 'nia')?.email
    // An address the browser lets through but that is not one: Hearth says so beside the field, and keeps the old one.
    await email.fill('nia.jones@riverside')
    await row.getByRole('button', { name: 'Save nia' }).click()
    await row.locator('.field-error').getByText('an email address such as name@example.org').waitFor()
    expect(await email.getAttribute('aria-invalid')).toBe('true')
    expect(await row.getByRole('alert').filter({ hasText: 'Not saved' }).textContent()).toBe('Not saved: check the marked fields.')
    expect(await seriousViolations(page)).toEqual([])
    expect(await emailOfNia()).toBe('nia.jones@riverside.example.org')

    await email.fill('nia.jones@riverside.nhs.uk')
    await row.getByRole('button', { name: 'Save nia' }).click()
    await row.getByText('Saved.').waitFor()
    expect(await row.locator('.field-error').count()).toBe(0)
    await page.reload()
    expect(await email.inputValue()).toBe('nia.jones@riverside.nhs.uk')
    expect(await emailOfNia()).toBe('nia.jones@riverside.nhs.uk')

    // Emptied, the address is removed: Nia is emailed of nothing.
    await email.fill('')
    await row.getByRole('button', { name: 'Save nia' }).click()
    await row.getByText('Saved.').waitFor()
    await page.reload()
    expect(await email.inputValue()).toBe('')
    expect(await emailOfNia()).toBeNull()
  })

  it('disables a user after asking, which ends their session at once, and enables them again', async () => {
    const created = await t.api.request('POST', '/api/users', { username: 'dan', password: 'dan-password-1', displayName: 'Dan', roles: ['responder'] })
    expect(created.status).toBe(201)
    const dan = new TestApi(t.httpUrl)
    await dan.login('dan', 'dan-password-1')
    expect((await dan.request('GET', '/api/auth/me')).status).toBe(200)

    const page = await adminPage()
    await page.goto(`${t.httpUrl}/#/users`)
    const row = page.locator('[data-testid="user-row"][data-username="dan"]')
    await row.getByTestId('user-disable').click()
    expect(await row.textContent()).toContain('Disable dan?')
    expect(await seriousViolations(page)).toEqual([])
    await row.getByTestId('user-disable-confirm').click()
    await expect.poll(() => row.getAttribute('data-disabled')).toBe('true')
    await eventually(async () => ((await dan.request('GET', '/api/auth/me')).status === 401 ? true : undefined), "dan's session to end")

    await row.getByTestId('user-disable').click()
    await row.getByTestId('user-disable-confirm').click()
    await expect.poll(() => row.getAttribute('data-disabled')).toBe('false')
    await dan.login('dan', 'dan-password-1')
  })

  it('fits a 768 px tablet', async () => {
    const page = await adminPage({ width: 768, height: 1024 })
    for (const route of ['#/organisations', '#/users']) {
      await page.goto(`${t.httpUrl}/${route}`)
      await page.locator('h1').filter({ hasText: route === '#/users' ? 'Users' : 'Organisations' }).waitFor()
      expect({ route, fits: await fitsWidth(page) }).toEqual({ route, fits: true })
    }
  })
})
