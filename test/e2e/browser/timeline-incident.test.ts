import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Alert } from '../../../contract/index.js'
import type { VirtualDevice } from '../../../simulators/virtual-device.js'
import { CircleScene, seriousViolations, type SceneUser } from '../../helpers/browser.js'
import { BrowserRig } from '../../helpers/browser-rig.js'
import { ManualClock, TestApi, raisedBy, type TestPlatform } from '../../../harness/test-platform.js'

const MINUTE = 60_000
/** A Tuesday night in February: 03:02 in London. */
const T0 = Date.parse('2026-02-03T03:02:00Z')

/** Everything done on an incident read as one log on the person's timeline, by a nurse in her circle. */
describe("an incident on the person's timeline in a real browser", { timeout: 120_000 }, () => {
  const rig = new BrowserRig()
  const clock = new ManualClock(T0)
  let t: TestPlatform
  let personId = ''
  let nurse: SceneUser
  let responder: TestApi
  let pendant: VirtualDevice
  let detector: VirtualDevice

  /** A new alert from one of Peggy's devices, as the responder sees it in the queue. */
  const raised = (device: VirtualDevice, type: Parameters<VirtualDevice['event']>[0]): Promise<Alert> => raisedBy(responder, () => device.event(type), `the ${type} alert`)
  const ok = async (pending: Promise<{ status: number }>, status = 200) => expect((await pending).status).toBe(status)

  beforeAll(async () => {
    t = await rig.start({}, clock)
    const scene = new CircleScene(t.api)
    const nhs = await scene.organisation('Riverside District Nursing', 'nhs-health')
    personId = await scene.person('Margaret Hughes', { address: '4 Mill Lane, Swardeston', monitoredBy: 'o-hearth' })
    nurse = await scene.user('nia', 'Nia Jones', nhs, ['clinician'])
    const desk = await scene.user('rhys', 'Rhys Morgan', 'o-hearth', ['responder'])
    await scene.member(personId, { organisationId: nhs, relationship: 'district nursing team', scopes: ['alerts', 'timeline', 'notes:write'], basis: 'consent' })
    await ok(t.api.request('PUT', `/api/persons/${personId}/response-plan`, { steps: [{ name: 'Mary Shaw', relationship: 'daughter', phone: '07700 900101' }], reason: 'agreed with Peggy' }))
    responder = new TestApi(t.httpUrl)
    await responder.login(desk.username, desk.password)
    pendant = await rig.device('pendant', personId, 'pendant-peggy')
    detector = await rig.device('fall-detector', personId, 'fall-peggy')

    // A fall, and a press of the pendant while it is still open: one incident, answered together.
    const fall = await raised(detector, 'fall.detected')
    clock.set(T0 + MINUTE)
    const press = await raised(pendant, 'alarm.pressed')
    await ok(responder.request('POST', `/api/alerts/${fall.id}/acknowledge`))
    clock.set(T0 + 2 * MINUTE)
    await ok(responder.request('POST', `/api/alerts/${fall.id}/calls`, { step: 0, outcome: 'will-attend', etaMinutes: 15 }), 201)
    await ok(responder.request('POST', `/api/alerts/${fall.id}/resolve`, { outcome: 'responder-visited', note: 'Mary helped her up' }))
    await ok(responder.request('POST', `/api/alerts/${press.id}/resolve`, { outcome: 'responder-visited' }))
    // The nurse writes after it; then, much later, another press starts another incident.
    clock.set(T0 + 30 * MINUTE)
    await ok(t.api.request('POST', `/api/persons/${personId}/notes`, { text: 'Will visit Peggy this morning' }), 201)
    clock.set(T0 + 90 * MINUTE)
    await raised(pendant, 'alarm.pressed')
  })

  afterAll(() => rig.close())

  it('shows each incident as one group, its log oldest first, among the other entries', async () => {
    const page = await rig.signedIn(nurse)
    await page.goto(`${t.httpUrl}/#/person/${personId}`)
    const timeline = page.getByTestId('person-timeline')
    const incidents = timeline.getByTestId('timeline-incident')
    await expect.poll(() => incidents.count(), { timeout: 30_000 }).toBe(2)

    // Newest first: the open press (with whatever else is open with it: the fall detector, silent
    // for so long, is offline by now), the nurse's note, then the night's incident.
    const later = incidents.nth(0)
    expect(await later.locator('.incident-heading').textContent()).toMatch(/^Incident: .*Alarm pressed.*, .* · Open$/)
    const night = incidents.nth(1)
    expect(await night.locator('.incident-heading').textContent()).toMatch(/^Incident: Fall detected and Alarm pressed, .* · Resolved: Responder visited$/)
    // The devices' own events (what each press and fall said) stay entries of their own, beside the incidents.
    const rows = await timeline.locator('ol.timeline').first().evaluate((list) => Array.from(list.children, (row) => ({ testId: row.getAttribute('data-testid') ?? '', text: row.textContent ?? '' })))
    expect(rows.filter((row) => row.testId === 'timeline-item' && row.text.includes('Device')).length).toBe(3)
    expect(rows.filter((row) => row.testId === 'timeline-incident' || row.text.includes('Will visit Peggy')).map((row) => row.testId)).toEqual(['timeline-incident', 'timeline-item', 'timeline-incident'])

    const entries = night.getByTestId('timeline-item')
    const texts = await entries.allTextContents()
    const order = ['Fall detected: raised', 'Alarm pressed: raised', 'Fall detected: acknowledged', 'Call to Mary Shaw (daughter): will attend', 'Fall detected: resolved, responder-visited: Mary helped her up', 'Alarm pressed: resolved']
    const places = order.map((words) => texts.findIndex((text) => text.includes(words)))
    expect(places.every((place) => place >= 0)).toBe(true)
    expect([...places].sort((a, b) => a - b)).toEqual(places)
    const times = await entries.locator('time').evaluateAll((els) => els.map((el) => el.getAttribute('datetime') ?? ''))
    expect([...times].sort()).toEqual(times)
    expect(await night.getAttribute('data-incident-id')).toMatch(/^a-\d+$/)
    expect(await later.getAttribute('data-incident-id')).not.toBe(await night.getAttribute('data-incident-id'))
    expect(await seriousViolations(page)).toEqual([])
  })
})
