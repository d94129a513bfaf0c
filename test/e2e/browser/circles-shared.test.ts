import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import type { VirtualDevice } from '../../../simulators/virtual-device.js'
import { CircleScene, fitsWidth, seriousViolations, type SceneUser } from '../../helpers/browser.js'
import { BrowserRig, DESKTOP } from '../../helpers/browser-rig.js'
import type { TestPlatform } from '../../../harness/test-platform.js'

const SCREENSHOTS = process.env.HEARTH_SCREENSHOTS ?? '/tmp/hearth-screens'

/**
 * One shared, live picture across organisations (docs/circles-of-care.md): members of different
 * organisations watch the same person; outsiders find nobody, unless they break the glass, which
 * the circle's admins are told of at once.
 */
describe('a circle of care shared by several organisations, in a real browser', { timeout: 120_000 }, () => {
  const rig = new BrowserRig()
  let t: TestPlatform
  let pendant: VirtualDevice
  let personId: string
  const people: Record<'nurse' | 'socialWorker' | 'housing' | 'outsideResponder' | 'supervisor', SceneUser> = {} as never

  const pageFor = async (who: SceneUser, viewport = DESKTOP): Promise<Page> => {
    const page = await rig.signedIn(who, viewport)
    await page.getByRole('button', { name: 'Sign out' }).waitFor()
    return page
  }
  const personPage = async (who: SceneUser, viewport?: { width: number; height: number }): Promise<Page> => {
    const page = await pageFor(who, viewport)
    await page.goto(`${t.httpUrl}/#/person/${personId}`)
    return page
  }

  beforeAll(async () => {
    t = await rig.start()
    const scene = new CircleScene(t.api)
    const nhs = await scene.organisation('Riverside District Nursing', 'nhs-health')
    const council = await scene.organisation('Northshire Adult Social Care', 'social-work')
    const housing = await scene.organisation('Westfield Housing', 'housing')
    const otherTelecare = await scene.organisation('Northgate Response', 'telecare')
    personId = await scene.person('Edith Cavell', {
      address: '12 Norwich Road, Swardeston',
      medicalNotes: 'Leg ulcer, dressed twice a week.',
      accessDetails: 'Key safe left of the back door, code 4721',
      monitoredBy: 'o-hearth',
    })
    people.nurse = await scene.user('nia', 'Nia Jones', nhs, ['clinician'])
    people.socialWorker = await scene.user('sol', 'Sol Adeyemi', council, ['social-worker'])
    people.housing = await scene.user('hal', 'Hal Price', housing, ['housing-officer'])
    people.outsideResponder = await scene.user('rex', 'Rex Hale', otherTelecare, ['responder'])
    people.supervisor = await scene.user('sue', 'Sue Marsh', 'o-hearth', ['supervisor'])
    await scene.member(personId, { organisationId: nhs, relationship: 'district nursing team', scopes: ['alerts', 'vitals', 'medical-notes', 'timeline', 'notes:write'], basis: 'consent' })
    await scene.member(personId, { organisationId: council, relationship: 'care coordinator', scopes: ['alerts', 'timeline', 'notes:write'], basis: 'consent' })
    pendant = await rig.device('pendant', personId, 'pendant-edith')
  })

  afterAll(() => rig.close())

  it("shows a nurse's note on the social worker's screen at once, labelled with her organisation and role, and a pendant press on both", async () => {
    const nurse = await personPage(people.nurse)
    const socialWorker = await personPage(people.socialWorker)
    for (const page of [nurse, socialWorker]) {
      await page.getByTestId('person-timeline').waitFor()
      await expect.poll(() => page.locator('.live-state').textContent()).toBe('Live')
    }
    await socialWorker.evaluate(() => {
      ;(window as unknown as { notReloaded: boolean }).notReloaded = true
    })
    // The social worker sees no vital signs or medical notes: her place in the circle does not reach them.
    expect(await socialWorker.getByTestId('medical-notes').count()).toBe(0)
    expect(await socialWorker.getByTestId('latest-vitals').count()).toBe(0)
    expect(await seriousViolations(socialWorker)).toEqual([])

    const text = 'Dressing changed; Edith says the new shoes rub. Please check at the review.'
    await nurse.getByLabel('Note for everyone in the circle who sees the timeline').fill(text)
    await nurse.getByRole('button', { name: 'Add note' }).click()
    const note = socialWorker.getByTestId('timeline-item').filter({ hasText: text })
    await note.waitFor()
    expect(await note.textContent()).toContain('Nia Jones (Riverside District Nursing, Clinician)')

    await pendant.event('alarm.pressed')
    for (const page of [nurse, socialWorker]) {
      await page.getByTestId('person-alerts').locator('li[data-status="raised"]').filter({ hasText: 'Alarm pressed' }).waitFor()
    }
    expect(await socialWorker.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true)
    expect(await seriousViolations(nurse)).toEqual([])
  })

  it('finds nobody for an organisation outside the circle; a responder outside it opens the record in an emergency, and the circle supervisor is told at once', async () => {
    const housing = await personPage(people.housing)
    await housing.getByTestId('person-not-found').waitFor()
    expect(await housing.getByTestId('person-not-found').textContent()).toContain('No person found, or you are not in their circle of care')
    expect(await housing.getByTestId('break-glass-form').count()).toBe(0)
    expect(await seriousViolations(housing)).toEqual([])

    const supervisor = await pageFor(people.supervisor)
    await expect.poll(() => supervisor.locator('.live-state').textContent()).toBe('Live')

    const responder = await personPage(people.outsideResponder)
    const form = responder.getByTestId('break-glass-form')
    await form.waitFor()
    expect(await seriousViolations(responder)).toEqual([])
    const reason = 'Pendant call dropped, no answer at the door; checking for a key-holder'
    await form.getByLabel(/Reason/).fill(reason)
    await form.getByRole('button', { name: 'Open the record in an emergency' }).click()
    const notice = responder.getByTestId('break-glass-notice')
    await notice.waitFor()
    expect(await notice.textContent()).toMatch(/^Emergency access: you are outside this person's circle of care\. Access ends at \d\d:\d\d\. Every look is recorded\.$/)
    expect(await responder.getByTestId('person-details').textContent()).toContain('12 Norwich Road')
    expect(await seriousViolations(responder)).toEqual([])
    // The key-safe code only on request, and the look is recorded.
    await responder.getByRole('button', { name: 'Show key-safe code and access details' }).click()
    await expect.poll(() => responder.getByTestId('access-details-text').textContent()).toBe('Key safe left of the back door, code 4721')

    const banner = supervisor.getByTestId('break-glass-banner')
    await banner.waitFor()
    expect(await banner.textContent()).toContain(`Emergency access to Edith Cavell by Rex Hale (Northgate Response, Responder): ${reason}`)
    expect(await seriousViolations(supervisor)).toEqual([])

    // The supervisor, a circle admin, sees the emergency access stand out in the access log.
    await supervisor.goto(`${t.httpUrl}/#/person/${personId}`)
    const row = supervisor.getByTestId('access-log').locator('[data-testid="access-log-row"][data-break-glass="true"]').first()
    await row.waitFor()
    expect(await row.textContent()).toContain('Rex Hale')
    const revealed = supervisor.getByTestId('access-log-row').filter({ hasText: 'Revealed the key-safe code' })
    await revealed.waitFor()
    expect(await revealed.getAttribute('data-break-glass')).toBe('true')
    expect(await revealed.textContent()).toContain(reason)
    await supervisor.getByTestId('circle-add-form').waitFor()
    expect(await seriousViolations(supervisor)).toEqual([])
    await supervisor.screenshot({ path: `${SCREENSHOTS}/person-circle.png`, fullPage: true })
  })

  it("fits the circle's shared page on a 768 px tablet", async () => {
    for (const who of [people.nurse, people.supervisor]) {
      const page = await personPage(who, { width: 768, height: 1024 })
      await page.getByTestId('circle-of-care').getByTestId('circle-member').first().waitFor()
      expect({ who: who.username, fits: await fitsWidth(page) }).toEqual({ who: who.username, fits: true })
      await page.screenshot({ path: `${SCREENSHOTS}/person-tablet-${who.username}.png`, fullPage: true })
    }
  })
})
