import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { VirtualDevice } from '../../../simulators/virtual-device.js'
import { CircleScene, fitsWidth, seriousViolations, type SceneUser } from '../../helpers/browser.js'
import { BrowserRig } from '../../helpers/browser-rig.js'
import { TestApi, eventually, type TestPlatform } from '../../../harness/test-platform.js'

const SCREENSHOTS = process.env.HEARTH_SCREENSHOTS ?? '/tmp/hearth-screens'

/** A family carer's Family page: all is well, or the alarm in progress, who is handling it, live, and how it ended. */
describe('the family page in a real browser', { timeout: 120_000 }, () => {
  const rig = new BrowserRig()
  let t: TestPlatform
  let pendant: VirtualDevice
  let personId: string
  let daughter: SceneUser
  let responder: SceneUser

  beforeAll(async () => {
    t = await rig.start()
    const scene = new CircleScene(t.api)
    const family = await scene.organisation('Lovelace family', 'family')
    personId = await scene.person('Ada Lovelace', { monitoredBy: 'o-hearth' })
    daughter = await scene.user('anne', 'Anne King', family, ['family-carer'])
    responder = await scene.user('sam', 'Sam Okafor', 'o-hearth', ['responder'])
    await scene.member(personId, { userId: daughter.id, relationship: 'daughter', scopes: ['alerts', 'timeline'], basis: 'consent' })
    pendant = await rig.device('pendant', personId, 'pendant-ada')
  })

  afterAll(() => rig.close())

  it('says all is well, then shows a pendant press live, who is handling it, and how it ended, without a reload', async () => {
    const page = await rig.signedIn(daughter)
    const card = page.getByTestId('family-card').filter({ hasText: 'Ada Lovelace' })
    const status = card.getByTestId('family-status')
    await expect.poll(() => status.textContent()).toContain('All is well')
    await expect.poll(() => page.locator('.live-state').textContent()).toBe('Live')
    await page.evaluate(() => {
      ;(window as unknown as { notReloaded: boolean }).notReloaded = true
    })
    expect(await seriousViolations(page)).toEqual([])

    await pendant.event('alarm.pressed')
    await expect.poll(() => status.textContent()).toMatch(/Alarm in progress.*Pendant pressed at \d\d:\d\d — waiting for a responder/)
    expect(await card.getAttribute('data-tone')).toBe('alarm')
    expect(await seriousViolations(page)).toEqual([])

    const responderApi = new TestApi(t.httpUrl)
    await responderApi.login(responder.username, responder.password)
    const alert = await eventually(async () => ((await responderApi.request('GET', '/api/alerts/queue')).body.alerts as Array<{ id: string; personId: string }>).find((a) => a.personId === personId), 'the pendant alarm')
    expect((await responderApi.request('POST', `/api/alerts/${alert.id}/acknowledge`)).status).toBe(200)
    await expect.poll(() => status.textContent()).toContain('being handled by Sam Okafor (Hearth telecare service)')
    await page.screenshot({ path: `${SCREENSHOTS}/family-alarm.png`, fullPage: true })

    expect((await responderApi.request('POST', `/api/alerts/${alert.id}/resolve`, { outcome: 'responder-visited' })).status).toBe(200)
    await expect.poll(() => status.textContent()).toContain('All is well')
    expect(await card.getByTestId('family-earlier').textContent()).toMatch(/^Resolved at \d\d:\d\d: A responder came to the home \(Pendant pressed at \d\d:\d\d, answered by Sam Okafor\)\.$/)
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true)
    expect(await seriousViolations(page)).toEqual([])
    await page.screenshot({ path: `${SCREENSHOTS}/family.png`, fullPage: true })

    // The card's link opens the person's page, trimmed to the family's scopes.
    await card.getByRole('link', { name: /Open Ada Lovelace's page/ }).click()
    await page.getByTestId('person-view').getByTestId('person-timeline').waitFor()
    expect(await page.getByTestId('person-view').getByTestId('medical-notes').count()).toBe(0)
    expect(await seriousViolations(page)).toEqual([])
  })

  it('fits a 768 px tablet', async () => {
    const page = await rig.signedIn(daughter, { width: 768, height: 1024 })
    await page.getByTestId('family-card').getByTestId('family-status').waitFor()
    expect(await fitsWidth(page)).toBe(true)
  })
})
