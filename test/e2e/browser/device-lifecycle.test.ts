import { AxeBuilder } from '@axe-core/playwright'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN_PASSWORD, connectDevice } from '../../../harness/test-platform.js'
import { BrowserRig } from '../../helpers/browser-rig.js'

/** Serious and critical accessibility violations (WCAG 2.2 A and AA) within the part of the page the selector names. */
async function seriousViolationsIn(page: Page, selector: string): Promise<string[]> {
  const results = await new AxeBuilder({ page }).include(selector).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).analyze()
  return results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.impact}: ${v.id} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
}

/** The devices page as an admin uses it to give a device a new secret and to move it to another person. */
describe('rotating a secret and moving a device on the devices page', { timeout: 120_000 }, () => {
  const rig = new BrowserRig()
  let bob = ''
  let device = { id: '', secret: '' }

  beforeAll(async () => {
    const t = await rig.start()
    const ada = await t.api.createPerson('Ada Lovelace')
    bob = await t.api.createPerson('Bob Marley')
    device = await t.api.provision('pendant', ada, 'pendant-on-screen')
  })
  afterAll(() => rig.close())

  it('shows the new secret once with when the old one stops, and moves the device to the person chosen', async () => {
    const t = rig.platform
    const page = await rig.signedIn({ username: 'admin', password: ADMIN_PASSWORD })
    await page.goto(`${t.httpUrl}/#/devices`)
    await page.getByRole('button', { name: 'Manage pendant-on-screen' }).click()
    const panel = page.getByTestId('device-actions')
    await panel.getByRole('heading', { name: 'Device pendant-on-screen' }).waitFor()
    expect(await seriousViolationsIn(page, '[data-testid="device-actions"]')).toEqual([])
    expect(await seriousViolationsIn(page, 'table.devices')).toEqual([])

    await panel.getByLabel('The old secret keeps working for').selectOption({ label: '1 hour' })
    await panel.getByRole('button', { name: 'Rotate secret' }).click()
    const shown = page.getByTestId('rotated-secret')
    await shown.getByText(/The old secret works until/).waitFor()
    const secret = await shown.getByLabel('New secret').inputValue()
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/)
    // Both work while the hour lasts: the device can be given its new secret at leisure.
    await (await connectDevice(t.mqttUrl, { id: device.id, secret })).endAsync()
    await (await connectDevice(t.mqttUrl, device)).endAsync()

    await shown.getByRole('button', { name: 'Done — hide the secret' }).click()
    await shown.waitFor({ state: 'detached' })
    expect(await page.content()).not.toContain(secret)

    await panel.getByLabel('Person to move it to').selectOption(bob)
    await panel.getByRole('button', { name: 'Move to another person' }).click()
    await panel.getByRole('status').getByText('Moved to Bob Marley.').waitFor()
    await page.locator('[data-device-id="pendant-on-screen"]').getByRole('link', { name: 'Bob Marley' }).waitFor()
    expect((await t.api.request('GET', `/api/devices/${device.id}`)).body.personId).toBe(bob)
  })
})
