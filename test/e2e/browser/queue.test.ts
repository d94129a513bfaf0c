import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import type { VirtualDevice } from '../../../simulators/virtual-device.js'
import { signIn } from '../../helpers/browser.js'
import { BrowserRig } from '../../helpers/browser-rig.js'
import { eventually, type TestPlatform } from '../../../harness/test-platform.js'

/** The queue under pressure: two responders at once, signing out, keyboard only, sound preference, a tablet. */
describe('the alert queue in a real browser', { timeout: 120_000 }, () => {
  const rig = new BrowserRig()
  let t: TestPlatform
  let personId: string
  let pendant: VirtualDevice


  const responder = async (username: string): Promise<string> => {
    const password = `${username}-password-1`
    const created = await t.api.request('POST', '/api/users', { username, password, displayName: username[0]?.toUpperCase() + username.slice(1), roles: ['responder'] })
    expect(created.status).toBe(201)
    return password
  }

  const signedIn = async (username: string, password: string, viewport?: { width: number; height: number }): Promise<Page> => {
    const page = await rig.signedIn({ username, password }, viewport)
    await page.getByTestId('queue').waitFor()
    return page
  }

  /** Closes whatever is open, then a fresh pendant press: a press while one is open only repeats it. */
  const freshAlarm = async (): Promise<string> => {
    const open = (await t.api.request('GET', '/api/alerts/queue')).body.alerts as Array<{ id: string }>
    for (const alert of open) expect((await t.api.request('POST', `/api/alerts/${alert.id}/resolve`, { outcome: 'false-alarm' })).status).toBe(200)
    await pendant.event('alarm.pressed')
    const alert = await eventually(async () => ((await t.api.request('GET', '/api/alerts/queue')).body.alerts as Array<{ id: string; kind: string }>).find((a) => a.kind === 'alarm.pressed'), 'the pendant alarm')
    return alert.id
  }

  const itemOf = (page: Page, alertId: string) => page.locator(`[data-testid="alert-item"][data-alert-id="${alertId}"]`)

  beforeAll(async () => {
    t = await rig.start()
    const created = await t.api.request('POST', '/api/persons', { name: 'Edith Cavell', address: '12 Norwich Road, Swardeston', phone: '01508 555 0101', contacts: [] })
    personId = created.body.id as string
    pendant = await rig.device('pendant', personId, 'pendant-queue')
  })

  afterAll(() => rig.close())

  it('lets exactly one of two responders pressing Acknowledge at once take the alert; the other is told who did', async () => {
    const [ruth, rita] = [await signedIn('ruth', await responder('ruth')), await signedIn('rita', await responder('rita'))]
    const alertId = await freshAlarm()
    for (const page of [ruth, rita]) await itemOf(page, alertId).getByTestId('ack-button').waitFor()
    // Both requests are held until both were sent, so neither page can have heard of the other's first.
    const held: Array<() => Promise<void>> = []
    for (const page of [ruth, rita]) {
      await page.route('**/api/alerts/*/acknowledge', async (route) => {
        held.push(() => route.continue())
        if (held.length === 2) await Promise.all(held.map((go) => go()))
      })
    }
    await Promise.all([ruth, rita].map((page) => itemOf(page, alertId).getByTestId('ack-button').click()))

    const winner = await eventually(async () => ((await t.api.request('GET', `/api/alerts/${alertId}`)).body.acknowledgedBy as string | null) ?? undefined, 'the acknowledgement')
    expect(['ruth', 'rita']).toContain(winner)
    const loser = winner === 'ruth' ? rita : ruth
    await expect.poll(() => itemOf(loser, alertId).getByTestId('action-error').textContent()).toBe(`Already taken by ${winner}`)
    const winning = winner === 'ruth' ? ruth : rita
    expect(await itemOf(winning, alertId).getByTestId('action-error').textContent()).toBe('')
    for (const page of [ruth, rita]) await expect.poll(() => itemOf(page, alertId).getAttribute('data-status')).toBe('acknowledged')
  })

  it('signing out ends the session in every tab: the other tab of the same session returns to the sign-in form', async () => {
    const password = await responder('sol')
    const context = await rig.context()
    const first = await context.newPage()
    await signIn(first, t.httpUrl, 'sol', password)
    await first.getByTestId('queue').waitFor()
    const second = await context.newPage()
    await second.goto(t.httpUrl)
    await second.getByTestId('queue').waitFor()
    await expect.poll(() => second.locator('.live-state').textContent()).toBe('Live')

    await first.getByRole('button', { name: 'Sign out' }).click()
    await first.getByTestId('signin-form').waitFor()
    // The server closes the session's live connections; the other tab hears the refusal and signs out too.
    await second.getByTestId('signin-form').waitFor({ timeout: 15_000 })
    expect(await second.getByTestId('queue').count()).toBe(0)
  })

  it('can be used with the keyboard alone: sign in, acknowledge, and focus lands on the alert, in view', async () => {
    const password = await responder('kay')
    const alertId = await freshAlarm()
    const page = await rig.page()
    await page.goto(t.httpUrl)
    await page.getByTestId('signin-form').waitFor()
    const tabTo = async (matches: string, what: string) => {
      for (let i = 0; i < 80; i++) {
        if (await page.evaluate((selector) => document.activeElement?.matches(selector) ?? false, matches)) return
        await page.keyboard.press('Tab')
      }
      throw new Error(`Tab never reached ${what}`)
    }
    await tabTo('#signin-username', 'the username field')
    await page.keyboard.type('kay')
    await page.keyboard.press('Tab')
    await page.keyboard.type(password)
    await page.keyboard.press('Enter')
    await itemOf(page, alertId).getByTestId('ack-button').waitFor()
    await tabTo(`[data-alert-id="${alertId}"] [data-testid="ack-button"]`, 'Acknowledge')
    await page.keyboard.press('Enter')

    await expect.poll(() => itemOf(page, alertId).getAttribute('data-status')).toBe('acknowledged')
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe(`alert-title-${alertId}`)
    const inView = await page.evaluate(() => {
      const focused = document.activeElement as HTMLElement
      const box = focused.getBoundingClientRect()
      const banners = document.querySelector('.banners')?.getBoundingClientRect().bottom ?? 0
      return box.width > 0 && box.height > 0 && box.top >= Math.max(0, banners) - 1 && box.bottom <= window.innerHeight
    })
    expect(inView).toBe(true)
  })

  it('remembers the mute choice across a reload', async () => {
    const page = await signedIn('mo', await responder('mo'))
    const toggle = page.getByTestId('mute-toggle')
    expect(await toggle.getAttribute('aria-pressed')).toBe('false')
    await toggle.click()
    expect(await toggle.getAttribute('aria-pressed')).toBe('true')
    await page.reload()
    await page.getByTestId('queue').waitFor()
    expect(await page.getByTestId('mute-toggle').getAttribute('aria-pressed')).toBe('true')
  })

  it('fits a 768 × 1024 tablet without scrolling sideways', async () => {
    await freshAlarm()
    const page = await signedIn('tab', await responder('tab'), { width: 768, height: 1024 })
    await page.getByTestId('alert-item').first().waitFor()
    const { scrollWidth, clientWidth } = await page.evaluate(() => {
      const root = document.scrollingElement as Element
      return { scrollWidth: root.scrollWidth, clientWidth: root.clientWidth }
    })
    expect(scrollWidth).toBeLessThanOrEqual(clientWidth)
  })
})
