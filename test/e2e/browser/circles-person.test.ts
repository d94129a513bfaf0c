import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import type { VirtualDevice } from '../../../simulators/virtual-device.js'
import { CircleScene, fitsWidth, seriousViolations, type SceneUser } from '../../helpers/browser.js'
import { BrowserRig, DESKTOP } from '../../helpers/browser-rig.js'
import { TestApi, eventually, type TestPlatform } from '../../../harness/test-platform.js'

const SCREENSHOTS = process.env.HEARTH_SCREENSHOTS ?? '/tmp/hearth-screens'

/**
 * The person's own account (docs/circles-of-care.md, "The person and their family"): who is in
 * their circle and why, who looked at their record, their alarms, and consent they can take back.
 */
describe("the person's own record in a real browser", { timeout: 120_000 }, () => {
  const rig = new BrowserRig()
  let t: TestPlatform
  let pendant: VirtualDevice
  let personId: string
  let nurse: SceneUser
  let niece: SceneUser
  let edith: SceneUser
  let responder: SceneUser
  let outsider: SceneUser

  const pageFor = (who: SceneUser, viewport = DESKTOP): Promise<Page> => rig.signedIn(who, viewport)

  beforeAll(async () => {
    t = await rig.start()
    const scene = new CircleScene(t.api)
    const nhs = await scene.organisation('Riverside District Nursing', 'nhs-health')
    const family = await scene.organisation('Cavell family', 'family')
    personId = await scene.person('Edith Cavell', {
      address: '12 Norwich Road, Swardeston',
      medicalNotes: 'Type 2 diabetes; leg ulcer dressed twice a week.',
      accessDetails: 'Key safe by the back door, code 4721',
      monitoredBy: 'o-hearth',
    })
    nurse = await scene.user('nia', 'Nia Jones', nhs, ['clinician'])
    niece = await scene.user('ann', 'Ann Cavell', family, ['family-carer'])
    edith = await scene.user('edith', 'Edith Cavell', 'o-hearth', ['person'], personId)
    responder = await scene.user('sam', 'Sam Okafor', 'o-hearth', ['responder'])
    outsider = await scene.user('rex', 'Rex Hale', await scene.organisation('Northgate Response', 'telecare'), ['responder'])
    await scene.member(personId, { organisationId: nhs, relationship: 'district nursing team', scopes: ['alerts', 'vitals', 'medical-notes', 'timeline', 'notes:write'], basis: 'consent' })
    await scene.member(personId, { userId: niece.id, relationship: 'niece', scopes: ['alerts', 'timeline'], basis: 'consent' })
    pendant = await rig.device('pendant', personId, 'pendant-edith')
  })

  afterAll(() => rig.close())

  it('shows the nurse only what her place in the circle allows', async () => {
    const page = await pageFor(nurse)
    await page.goto(`${t.httpUrl}/#/person/${personId}`)
    const view = page.getByTestId('person-view')
    await view.getByTestId('circle-of-care').getByTestId('circle-member').first().waitFor()
    expect(await view.getByTestId('medical-notes').textContent()).toContain('leg ulcer')
    // No care settings, contacts or access details in her scopes; and she is not a circle admin.
    expect(await view.getByTestId('settings-form').count()).toBe(0)
    expect(await view.getByTestId('access-details').count()).toBe(0)
    expect(await view.getByTestId('circle-add-form').count()).toBe(0)
    expect(await view.getByTestId('access-log').count()).toBe(0)
    expect(await view.getByTestId('circle-member').count()).toBe(3)
    expect(await seriousViolations(page)).toEqual([])
  })

  it("tells the person who is in their circle, who looked, and who answered their alarm and how fast; consent can be withdrawn, direct care cannot", async () => {
    // A pendant press, answered and closed by a responder of the monitoring service.
    const responderApi = new TestApi(t.httpUrl)
    await responderApi.login(responder.username, responder.password)
    await pendant.event('alarm.pressed')
    const alert = await eventually(async () => ((await responderApi.request('GET', '/api/alerts/queue')).body.alerts as Array<{ id: string; personId: string }>).find((a) => a.personId === personId), 'the pendant alarm')
    expect((await responderApi.request('POST', `/api/alerts/${alert.id}/acknowledge`)).status).toBe(200)
    expect((await responderApi.request('POST', `/api/alerts/${alert.id}/resolve`, { outcome: 'resolved-by-phone', note: 'Edith pressed it by mistake while gardening.' })).status).toBe(200)

    const page = await pageFor(edith)
    const record = page.getByTestId('my-record')
    await record.waitFor()
    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents()).toEqual(['My record'])

    const circle = record.getByTestId('my-circle')
    const members = circle.getByTestId('my-circle-member')
    await expect.poll(() => members.count()).toBe(3)
    const monitoring = members.filter({ hasText: 'Hearth telecare service' })
    expect(await monitoring.getAttribute('data-basis')).toBe('direct-care')
    expect(await monitoring.textContent()).toContain('Your monitoring service: this cannot be withdrawn here, because it is how help reaches you in an emergency')
    expect(await monitoring.getByTestId('withdraw-consent').count()).toBe(0)
    const nursing = members.filter({ hasText: 'Riverside District Nursing' })
    expect(await nursing.textContent()).toContain('Medical notes')
    expect(await nursing.textContent()).toContain('NHS health team')

    const looked = record.getByTestId('my-access-log').getByTestId('my-access-log-entry').filter({ hasText: 'Nia Jones' })
    await looked.first().waitFor()
    expect(await looked.first().textContent()).toContain('Riverside District Nursing')
    expect(await looked.allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining('Opened your record')]))

    const alarm = record.getByTestId('my-alarm').filter({ hasText: 'You pressed your alarm' })
    await alarm.waitFor()
    expect(await alarm.textContent()).toMatch(/Sam Okafor \(Hearth telecare service\), answered in \d+ seconds?\./)
    expect(await alarm.textContent()).toContain('Sorted out over the phone')
    expect(await seriousViolations(page)).toEqual([])

    // Emergency access by someone outside the circle: told at once, and it stands out in the list.
    await expect.poll(() => page.locator('.live-state').textContent()).toBe('Live')
    const outsiderApi = new TestApi(t.httpUrl)
    await outsiderApi.login(outsider.username, outsider.password)
    expect((await outsiderApi.request('POST', `/api/persons/${personId}/break-glass`, { reason: 'Fire service asked for the key-safe code' })).status).toBe(201)
    expect((await outsiderApi.request('GET', `/api/persons/${personId}`)).status).toBe(200)
    const banner = page.getByTestId('break-glass-banner')
    await banner.waitFor()
    expect(await banner.textContent()).toContain('Emergency access to Edith Cavell by Rex Hale (Northgate Response, Responder): Fire service asked for the key-safe code')
    const emergency = record.getByTestId('my-access-log').locator('[data-testid="my-access-log-entry"][data-break-glass="true"]').filter({ hasText: 'Rex Hale' })
    await emergency.first().waitFor()
    expect(await emergency.first().textContent()).toContain('Emergency access: “Fire service asked for the key-safe code”')
    expect(await seriousViolations(page)).toEqual([])
    await page.screenshot({ path: `${SCREENSHOTS}/my-record.png`, fullPage: true })

    // Withdrawing consent from the niece: asked once more, then she is out of the circle.
    const ann = members.filter({ hasText: 'Ann Cavell' })
    await ann.getByTestId('withdraw-consent').click()
    expect(await ann.textContent()).toContain('Withdraw consent from Ann Cavell?')
    expect(await seriousViolations(page)).toEqual([])
    await ann.getByTestId('withdraw-consent-confirm').click()
    await expect.poll(() => members.count()).toBe(2)
    expect(await circle.getByTestId('my-ended-members').textContent()).toContain('Ann Cavell')

    // Her account no longer finds Edith at all.
    const annPage = await pageFor(niece)
    await annPage.getByTestId('family-page').waitFor()
    await annPage.goto(`${t.httpUrl}/#/person/${personId}`)
    await annPage.getByTestId('person-not-found').waitFor()
    expect(await annPage.getByTestId('person-not-found').textContent()).toContain('No person found, or you are not in their circle of care')
    expect(await annPage.getByTestId('break-glass-form').count()).toBe(0)
    const annApi = new TestApi(t.httpUrl)
    await annApi.login(niece.username, niece.password)
    expect((await annApi.request('GET', `/api/persons/${personId}`)).status).toBe(404)
  })

  it('fits a 768 px tablet', async () => {
    const page = await pageFor(edith, { width: 768, height: 1024 })
    await page.getByTestId('my-record').getByTestId('my-alarm').first().waitFor()
    expect(await fitsWidth(page)).toBe(true)
  })
})
