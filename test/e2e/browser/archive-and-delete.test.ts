import { AxeBuilder } from '@axe-core/playwright'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN_PASSWORD, signedInUser } from '../../../harness/test-platform.js'
import { BrowserRig } from '../../helpers/browser-rig.js'

/** Serious and critical accessibility violations (WCAG 2.2 A and AA) within the part of the page the selector names. */
async function seriousViolationsIn(page: Page, selector: string): Promise<string[]> {
  const results = await new AxeBuilder({ page }).include(selector).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).analyze()
  return results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.impact}: ${v.id} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
}

/** Deleting a user on the users page, and archiving a person on their page, as an admin and a supervisor do it. */
describe('deleting users and archiving people in the browser', { timeout: 120_000 }, () => {
  const rig = new BrowserRig()
  let ada = ''

  beforeAll(async () => {
    const t = await rig.start()
    ada = await t.api.createPerson('Ada Lovelace')
    await signedInUser(t, 'sam', ['supervisor'])
  })
  afterAll(() => rig.close())

  it('deletes a user after asking, and says so once the row has gone', async () => {
    const t = rig.platform
    const { api: dan } = await signedInUser(t, 'dan', ['responder'])
    const page = await rig.signedIn({ username: 'admin', password: ADMIN_PASSWORD })
    await page.goto(`${t.httpUrl}/#/users`)
    const row = page.locator('[data-testid="user-row"][data-username="dan"]')
    await row.getByTestId('user-delete').click()
    expect(await row.textContent()).toContain('Delete dan for good?')
    expect(await seriousViolationsIn(page, 'table.users')).toEqual([])
    await row.getByTestId('user-delete-confirm').click()
    await page.getByTestId('users-notice').getByText('dan is deleted and signed out everywhere.').waitFor()
    await row.waitFor({ state: 'detached' })
    expect((await dan.request('GET', '/api/auth/me')).status).toBe(401)
    // Nobody deletes their own account: the admin's row has no such button.
    expect(await page.locator('[data-testid="user-row"][data-username="admin"]').getByTestId('user-delete').count()).toBe(0)
  })

  it('archives a person with a reason, shows when and why on their page, and leaves them out of the people list', async () => {
    const t = rig.platform
    const device = await t.api.provision('pendant', ada, 'pendant-ada')
    const page = await rig.signedIn({ username: 'sam', password: 'sam-password-1' })
    await page.goto(`${t.httpUrl}/#/person/${ada}`)
    await page.getByTestId('person-archive').click()
    await page.getByLabel('Why (kept with the record)').fill('Moved to Elm Court care home')
    expect(await seriousViolationsIn(page, '[data-testid="person-details"]')).toEqual([])
    await page.getByTestId('person-archive-confirm').click()
    await page.getByTestId('person-archive-error').getByText(/^devices still provisioned: pendant-ada;/).waitFor()

    expect((await t.api.request('DELETE', `/api/devices/${device.id}`)).status).toBe(200)
    await page.getByTestId('person-archive-confirm').click()
    const banner = page.getByTestId('archived-banner')
    await banner.getByText(/^Archived on .*: Moved to Elm Court care home/).waitFor()
    expect(await seriousViolationsIn(page, '[data-testid="person-view"]')).toEqual([])

    await page.goto(`${t.httpUrl}/#/people`)
    await page.getByTestId('people-page').getByText('0 people').waitFor()
    await page.getByTestId('people-show-archived').check()
    await page.getByRole('link', { name: 'Ada Lovelace' }).waitFor()
    expect(await page.locator('tr[data-archived="true"]').textContent()).toContain('Archived')
  })
})
