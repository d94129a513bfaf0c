import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import type { VirtualDevice } from '../../../simulators/virtual-device.js'
import { RECORD_TONES, tonesOf as tones } from '../../helpers/browser.js'
import { BrowserRig } from '../../helpers/browser-rig.js'
import { ManualClock, eventually, type TestPlatform } from '../../../harness/test-platform.js'

const S = 1000

/** An alarm nobody answers in time reaches the supervisor's screen, with its own banner and sound. */
describe("escalation on the supervisor's screen in a real browser", { timeout: 120_000 }, () => {
  const rig = new BrowserRig()
  const T0 = Math.floor(Date.now() / 1000) * 1000
  const clock = new ManualClock(T0)
  let t: TestPlatform
  let pendant: VirtualDevice

  const signedIn = async (username: string, roles: string[]): Promise<Page> => {
    const password = `${username}-password-1`
    expect((await t.api.request('POST', '/api/users', { username, password, roles })).status).toBe(201)
    const page = await (await rig.context()).newPage()
    await page.addInitScript(RECORD_TONES)
    await page.goto(t.httpUrl)
    await page.getByLabel('Username').fill(username)
    await page.getByLabel('Password').fill(password)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByTestId('queue').waitFor()
    return page
  }

  beforeAll(async () => {
    t = await rig.start({}, clock)
    const personId = await t.api.createPerson('Edith Cavell')
    pendant = await rig.device('pendant', personId, 'pendant-escalation')
  })

  afterAll(() => rig.close())

  it('shows the supervisor a banner with its own sound when an alarm is not acknowledged in time, and clears it on acknowledge; the responder sees no such banner', async () => {
    const supervisor = await signedIn('sue', ['supervisor'])
    const responder = await signedIn('rhys', ['responder'])
    await pendant.event('alarm.pressed')
    const alert = await eventually(async () => ((await t.api.request('GET', '/api/alerts/queue')).body.alerts as Array<{ id: string; kind: string }>).find((a) => a.kind === 'alarm.pressed'), 'the alarm')
    for (const page of [supervisor, responder]) await page.locator(`[data-testid="alert-item"][data-alert-id="${alert.id}"]`).waitFor()
    expect(await supervisor.getByTestId('escalation-banner').count()).toBe(0)
    expect(await tones(supervisor)).not.toContain('triangle')

    clock.set(T0 + 60 * S)
    t.platform.tick()
    const banner = supervisor.getByTestId('escalation-banner')
    await banner.waitFor()
    expect(await banner.getAttribute('data-alert-id')).toBe(alert.id)
    expect((await banner.innerText()).replace(/\s+/g, ' ')).toContain('Not answered in time: Edith Cavell — Alarm pressed, escalated to you')
    // Two tones of its own, not the emergency's square beeps.
    await eventually(async () => ((await tones(supervisor)).filter((w) => w === 'triangle').length === 2 ? true : undefined), 'the escalation cue')
    expect(await responder.getByTestId('escalation-banner').count()).toBe(0)
    expect(await tones(responder)).not.toContain('triangle')

    expect((await t.api.request('POST', `/api/alerts/${alert.id}/acknowledge`)).status).toBe(200)
    await banner.waitFor({ state: 'detached' })
    expect(await supervisor.locator(`[data-testid="alert-item"][data-alert-id="${alert.id}"]`).count()).toBe(1)
  })
})
