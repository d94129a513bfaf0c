import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import type { VirtualDevice } from '../../../simulators/virtual-device.js'
import { CircleScene, seriousViolations, type SceneUser } from '../../helpers/browser.js'
import { BrowserRig } from '../../helpers/browser-rig.js'
import { startMailInbox } from '../../helpers/mail-inbox.js'
import { signedPayloadAt, startWebhookReceiver, type WebhookReceiver } from '../../helpers/webhook-receiver.js'
import { ManualClock, eventually, type TestPlatform } from '../../../harness/test-platform.js'

const SCREENSHOTS = process.env.HEARTH_SCREENSHOTS ?? '/tmp/hearth-screens'
const MINUTE = 60_000
/** A Tuesday night in February: 03:02 in London. */
const T0 = Date.parse('2026-02-03T03:02:00Z')

const PLAN = {
  steps: [
    { name: 'Mary Shaw', relationship: 'daughter', phone: '07700 900101', email: 'mary@example.org' },
    // Sam works nights away: only weekday evenings.
    { name: 'Sam Hughes', relationship: 'son', phone: '07700 900104', availability: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '18:00', to: '22:00' }] },
    { name: 'Tom Reed', relationship: 'neighbour and key-holder', phone: '07700 900102' },
    { name: 'Out-of-hours GP', relationship: 'GP out of hours', phone: '111', alertKinds: ['fall.detected', 'news2'] },
  ],
  reason: 'agreed with Peggy and Mary at her review',
}

/**
 * The proof of the call-handling console: a fall at three in the morning answered in a real
 * browser, from the card to the outcome, and everyone who should hear of it hearing.
 */
describe('a night-time fall answered on the console, end to end', { timeout: 180_000 }, () => {
  const rig = new BrowserRig()
  const clock = new ManualClock(T0)
  let t: TestPlatform
  let mail: Awaited<ReturnType<typeof startMailInbox>>
  let hook: WebhookReceiver
  let hookSecret = ''
  let detector: VirtualDevice
  let personId = ''
  let responder: SceneUser
  let nurse: SceneUser

  beforeAll(async () => {
    mail = await startMailInbox()
    hook = await startWebhookReceiver()
    t = await rig.start(
      { HEARTH_SMTP_URL: mail.url, HEARTH_SMTP_FROM: 'Hearth <alerts@care.example.org>', HEARTH_WEBHOOK_ALLOW_PRIVATE: 'true', HEARTH_NOTIFICATION_RETRY_SECONDS: '0.2' },
      clock,
    )
    const scene = new CircleScene(t.api)
    const nhs = await scene.organisation('Riverside District Nursing', 'nhs-health')
    personId = await scene.person('Margaret Hughes', {
      dateOfBirth: '1941-05-12',
      address: '4 Mill Lane, Swardeston',
      medicalNotes: 'Takes warfarin: bleeding risk after a fall.',
      accessDetails: 'Key safe left of the front door, code 4721',
      monitoredBy: 'o-hearth',
    })
    responder = await scene.user('rhys', 'Rhys Morgan', 'o-hearth', ['responder'])
    nurse = await scene.user('nia', 'Nia Jones', nhs, ['clinician'])
    await scene.member(personId, { organisationId: nhs, relationship: 'district nursing team', scopes: ['alerts', 'vitals', 'medical-notes', 'timeline', 'notes:write'], basis: 'consent' })
    const wishes = await t.api.request('PUT', `/api/persons/${personId}/wishes`, {
      preferredName: 'Peggy',
      communicationNeeds: ['Hard of hearing: speak slowly and clearly'],
      goals: ['Stay in my own home'],
      shareAlarmsWithFamily: true,
      reason: 'written with Peggy at her review',
    })
    expect(wishes.status).toBe(200)
    expect((await t.api.request('PUT', `/api/persons/${personId}/response-plan`, PLAN)).status).toBe(200)
    const webhook = await t.api.request('POST', '/api/webhooks', { url: hook.url, events: ['alert.resolved'] })
    expect(webhook.status).toBe(201)
    hookSecret = webhook.body.secret as string
    detector = await rig.device('fall-detector', personId, 'fall-peggy')
  })

  afterAll(async () => {
    await rig.close()
    await mail?.close()
    await hook?.close()
  })

  const desk = (page: Page) => page.getByTestId('incident-desk')
  const logText = async (page: Page): Promise<string> => (await desk(page).getByTestId('incident-log-item').allTextContents()).join('\n')

  it('shows who Peggy is and how to speak to her, walks the script and the plan, sets a callback, and closes the incident', async () => {
    const page = await rig.signedIn(responder)
    await page.goto(`${t.httpUrl}/#/console`)
    await page.getByTestId('console').waitFor()

    await detector.event('fall.detected', { confidence: 0.93 })
    const row = page.locator(`[data-testid="incident"][data-person-id="${personId}"]`)
    await row.waitFor()
    // The card speaks of Peggy first, and says how to speak to her, before anyone has answered.
    expect(await row.getByTestId('incident-name').textContent()).toBe('Peggy')
    expect(await row.textContent()).toContain('(Margaret Hughes)')
    expect(await row.getByTestId('incident-needs').textContent()).toBe('Hard of hearing: speak slowly and clearly')
    expect(await row.getByTestId('incident-holder').textContent()).toBe('Waiting for a responder')

    await row.getByTestId('incident-take').click()
    await desk(page).waitFor()
    expect(await row.getByTestId('incident-holder').textContent()).toBe('Held by you')
    expect(await desk(page).getByTestId('desk-speak-as').textContent()).toBe('Peggy')
    await expect.poll(() => desk(page).getByTestId('desk-age').textContent()).toBe(' · 84 years')
    expect(await desk(page).getByTestId('desk-needs').textContent()).toContain('Hard of hearing: speak slowly and clearly')
    expect(await desk(page).getByTestId('desk-address').textContent()).toBe('4 Mill Lane, Swardeston')
    expect(await desk(page).getByTestId('desk-medical').textContent()).toBe('Takes warfarin: bleeding risk after a fall.')
    expect(await desk(page).getByTestId('desk-alerts').textContent()).toContain('Fall detected')

    // The key-safe code only on a click, and the look is in Peggy's access log.
    expect(await desk(page).getByTestId('access-text').count()).toBe(0)
    await desk(page).getByTestId('reveal-access').click()
    expect(await desk(page).getByTestId('access-text').textContent()).toBe('Key safe left of the front door, code 4721')
    const accessLog = (await t.api.request('GET', `/api/persons/${personId}/access-log`)).body as Array<{ action: string; username: string }>
    expect(accessLog.filter((e) => e.action === 'access-details.revealed').map((e) => e.username)).toEqual(['rhys'])

    // The fall's script, answered as Peggy answers.
    const script = desk(page).getByTestId('call-script')
    const answers = script.getByTestId('script-answer')
    expect(await script.locator('.script-question span').allTextContents()).toEqual(['Are you hurt?', 'Can you get up?', 'Are you warm?'])
    await answers.nth(0).fill('My hip hurts')
    await answers.nth(1).fill('No')
    await answers.nth(2).fill('Yes, I have a blanket')
    await script.getByTestId('script-record').click()
    await expect.poll(() => logText(page)).toContain('Are you hurt? My hip hurts / Can you get up? No / Are you warm? Yes, I have a blanket')

    // Mary does not answer; Tom, the key-holder, will come in 15 minutes.
    const steps = desk(page).getByTestId('call-step')
    await expect.poll(() => steps.count()).toBe(4)
    expect(await steps.nth(0).getAttribute('data-next')).toBe('true')
    // At three in the morning Sam is not to be rung: Hearth passes him by.
    await expect.poll(() => steps.nth(1).getByTestId('call-step-not-now').textContent()).toBe('Not available now')
    expect(await steps.nth(2).getByTestId('call-step-not-now').count()).toBe(0)
    await steps.nth(0).getByTestId('call-no-answer').click()
    await expect.poll(() => desk(page).getByTestId('call-result').textContent()).toBe('Mary Shaw: No answer. Next: Tom Reed (neighbour and key-holder).')
    await expect.poll(() => steps.nth(2).getAttribute('data-next')).toBe('true')
    await steps.nth(2).getByTestId('call-eta').fill('15')
    await steps.nth(2).getByTestId('call-will-attend').click()
    await expect.poll(() => desk(page).getByTestId('call-result').textContent()).toMatch(/^Tom Reed: Will attend in about 15 min\./)
    await expect.poll(() => logText(page)).toContain('Call to Tom Reed (neighbour and key-holder): will attend, in about 15 min')

    // A callback in two hours, to check on her.
    await desk(page).getByTestId('callback-minutes').fill('120')
    await desk(page).getByTestId('callback-note').fill('Check Peggy is comfortable and warm')
    await desk(page).getByTestId('callback-set').click()
    await expect.poll(() => desk(page).getByTestId('desk-result').textContent()).toBe('Callback set for 05:02.')
    // In the log at Peggy's own time: two hours after 03:02 that February night.
    await expect.poll(() => logText(page)).toContain('follow-up due Tue 3 Feb, 05:02: Check Peggy is comfortable and warm')

    // Tom arrives, helps her up; the incident is closed.
    clock.set(T0 + 16 * MINUTE)
    await desk(page).getByTestId('attender').fill('Tom Reed')
    await desk(page).getByTestId('attendance-arrived').click()
    await expect.poll(() => logText(page)).toContain('Tom Reed arrived')
    await page.evaluate(() => window.scrollTo(0, 0))
    await page.screenshot({ path: `${SCREENSHOTS}/console.png`, fullPage: true })
    expect(await seriousViolations(page)).toEqual([])
    await desk(page).getByTestId('desk-outcome').selectOption('responder-visited')
    await desk(page).getByTestId('desk-closing-note').fill('Tom helped her up; no injury found, Peggy comfortable')
    await desk(page).getByTestId('desk-resolve').click()
    await row.waitFor({ state: 'detached' })
    expect(await page.getByTestId('console-message').textContent()).toBe('Resolved: its alert closed.')
    expect(await desk(page).count()).toBe(0)

    // Two hours on, the callback lands on the console, with the night's history attached.
    clock.set(T0 + 121 * MINUTE)
    t.platform.tick()
    await row.waitFor()
    // (The detector, silent for two hours of this test's clock, is reported offline beside it.)
    expect(await row.getByTestId('incident-what').textContent()).toMatch(/^Follow-up: Check Peggy is comfortable and warm( · |$)/)
    await row.getByTestId('incident-take').click()
    await expect.poll(() => logText(page)).toContain('Tom Reed arrived')
    expect(await logText(page)).toContain('Call to Mary Shaw (daughter): no answer')
    await desk(page).getByTestId('desk-outcome').selectOption('resolved-by-phone')
    await desk(page).getByTestId('desk-closing-note').fill('Peggy slept well and is warm; her hip is sore, the nurse will visit')
    await desk(page).getByTestId('desk-resolve').click()
    await row.waitFor({ state: 'detached' })
  })

  it("shows it all on Peggy's timeline to the nurse in her circle", async () => {
    const page = await rig.signedIn(nurse)
    await page.goto(`${t.httpUrl}/#/person/${personId}`)
    const timeline = page.getByTestId('person-timeline')
    await timeline.waitFor()
    await expect.poll(async () => (await timeline.getByTestId('timeline-item').allTextContents()).join('\n'), { timeout: 15_000 }).toContain('Tom helped her up')
    const text = (await timeline.getByTestId('timeline-item').allTextContents()).join('\n')
    for (const entry of [
      'Are you hurt? My hip hurts',
      'Call to Mary Shaw (daughter): no answer',
      'Call to Tom Reed (neighbour and key-holder): will attend, in about 15 min',
      'Check Peggy is comfortable and warm',
      'Tom Reed arrived',
      'responder-visited',
    ]) {
      expect(text).toContain(entry)
    }
    expect(text).toContain('Rhys Morgan')
  })

  it('emails Mary of the fall and how it ended, and sends the webhook receiver the signed outcome', async () => {
    await eventually(() => (mail.received.length >= 2 ? true : undefined), 'both emails to Mary')
    const subjects = mail.received.map((m) => [m.to, m.subject])
    expect(subjects).toEqual(
      expect.arrayContaining([
        [['mary@example.org'], 'Alarm for Peggy: Fall detected'],
        [['mary@example.org'], 'Alarm for Peggy closed: a responder visited'],
      ]),
    )
    const resolved = await eventually(() => hook.received[0], 'the webhook')
    // Signed with Hearth's clock, which this test set to that February night.
    const payload = signedPayloadAt(hookSecret, resolved, T0 + 16 * MINUTE)
    expect(payload).toMatchObject({ type: 'alert.resolved', data: { alert: { personId, kind: 'fall.detected', status: 'resolved', outcome: 'responder-visited', resolvedBy: 'rhys' } } })
  })
})
