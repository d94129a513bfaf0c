import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import type { Alert } from '../../../contract/index.js'
import type { VirtualDevice } from '../../../simulators/virtual-device.js'
import { CircleScene, RECORD_TONES, tonesOf, type SceneUser } from '../../helpers/browser.js'
import { BrowserRig, DESKTOP } from '../../helpers/browser-rig.js'
import { eventually, type TestPlatform } from '../../../harness/test-platform.js'

const NAMES = ['Ada Lovelace', 'Bob Marley', 'Cy Twombly', 'Di Fossey', 'Ed Hillary', 'Flo Nightingale', 'Gus Holst', 'Hal Price']
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** The call-handling console in a real browser: compact, shared between responders, and loud until answered. */
describe('the call-handling console', { timeout: 180_000 }, () => {
  const rig = new BrowserRig()
  let t: TestPlatform
  const people: string[] = []
  let battery: VirtualDevice
  let adasFallDetector: VirtualDevice
  const staff: Record<'rhys' | 'sol' | 'sue', SceneUser> = {} as never

  const consoleOf = async (who: SceneUser, init?: string): Promise<Page> => {
    const page = await (await rig.context()).newPage()
    if (init) await page.addInitScript(init)
    await page.goto(t.httpUrl)
    await page.getByLabel('Username').fill(who.username)
    await page.getByLabel('Password').fill(who.password)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByRole('link', { name: 'Console' }).click()
    await page.getByTestId('console').waitFor()
    return page
  }
  const row = (page: Page, personId: string) => page.locator(`[data-testid="incident"][data-person-id="${personId}"]`)

  beforeAll(async () => {
    t = await rig.start()
    const scene = new CircleScene(t.api)
    staff.rhys = await scene.user('rhys', 'Rhys Morgan', 'o-hearth', ['responder'])
    staff.sol = await scene.user('sol', 'Sol Adeyemi', 'o-hearth', ['responder'])
    staff.sue = await scene.user('sue', 'Sue Marsh', 'o-hearth', ['supervisor'])
    for (const [i, name] of NAMES.entries()) {
      const id = await t.api.createPerson(name)
      people.push(id)
      await (await rig.device('pendant', id, `pendant-${i}`)).event('alarm.pressed')
      // One after another, so that the oldest is known.
      await eventually(async () => (((await t.api.request('GET', '/api/alerts')).body.alerts as Alert[]).length === i + 1 ? true : undefined), `alarm ${i + 1}`)
    }
    adasFallDetector = await rig.device('fall-detector', people[0] as string, 'fall-ada')
    const ivy = await t.api.createPerson('Ivy Compton')
    people.push(ivy)
    battery = await rig.device('pendant', ivy, 'pendant-ivy')
    await battery.status({ online: true, battery: 0.12 })
    await eventually(async () => (((await t.api.request('GET', '/api/alerts')).body.alerts as Alert[]).some((a) => a.kind === 'device.battery-low') ? true : undefined), 'the battery alert')
  })

  afterAll(() => rig.close())

  it('keeps at least eight incidents in view at 1366 × 768, emergencies first, and gives a technical alert its own deadline', async () => {
    const page = await consoleOf(staff.rhys)
    const rows = page.getByTestId('incident')
    await expect.poll(() => rows.count()).toBe(9)
    expect(await rows.evaluateAll((els) => els.map((el) => el.getAttribute('data-priority')))).toEqual([...NAMES.map(() => 'emergency'), 'technical'])
    for (let i = 0; i < 8; i++) {
      const box = await rows.nth(i).boundingBox()
      expect(box && box.y >= 0 && box.y + box.height <= DESKTOP.height, `incident ${i + 1} in view`).toBe(true)
    }
    // Emergencies count against the 60 s answer target; the battery is due within the hour instead.
    expect(await row(page, people[0] as string).getByTestId('alert-clock').count()).toBe(1)
    const technical = row(page, people[8] as string)
    expect(await technical.getByTestId('alert-clock').count()).toBe(0)
    expect(await technical.getByTestId('incident-due').textContent()).toMatch(/^Technical: deal with by \d\d:\d\d$/)
  })

  it('gives a responder the oldest emergency on Take next, shows the others who holds it, and hands it to a colleague', async () => {
    const rhys = await consoleOf(staff.rhys)
    const sol = await consoleOf(staff.sol)
    const sue = await consoleOf(staff.sue)
    const ada = people[0] as string
    await rhys.getByTestId('take-next').click()
    const desk = rhys.getByTestId('incident-desk')
    await desk.waitFor()
    expect(await desk.getAttribute('data-person-id')).toBe(ada)
    expect(await rhys.getByTestId('console-message').textContent()).toBe('Ada Lovelace: answered by you, the next in the queue.')

    // A fall joins the incident Rhys holds: it waits, and says so, until he takes it too; the desk stays on the press.
    await adasFallDetector.event('fall.detected')
    await desk.getByTestId('desk-alert-new').waitFor()
    await row(rhys, ada).getByTestId('incident-take-new').click()
    await desk.getByTestId('desk-alert-new').waitFor({ state: 'detached' })
    expect(await row(rhys, ada).getByTestId('incident-take-new').count()).toBe(0)
    expect(await desk.getByTestId('desk-alerts').textContent()).toContain('Fall detected')
    expect(await desk.getByTestId('call-script').getByRole('heading').textContent()).toContain('Alarm pressed')

    // Everyone else sees at once who holds it; a responder cannot answer it, a supervisor may take it over.
    await expect.poll(() => row(sol, ada).getByTestId('incident-holder').textContent()).toBe('Held by Rhys Morgan')
    expect(await row(sol, ada).getByTestId('incident-take').count()).toBe(0)
    await expect.poll(() => row(sue, ada).getByTestId('incident-take-over').count()).toBe(1)

    await desk.getByTestId('transfer-to').selectOption({ label: 'Sol Adeyemi' })
    await desk.getByRole('button', { name: 'Hand over' }).click()
    await desk.waitFor({ state: 'detached' })
    expect(await rhys.getByTestId('console-message').textContent()).toBe('Handed to Sol Adeyemi.')
    await expect.poll(() => row(sol, ada).getByTestId('incident-holder').textContent()).toBe('Held by you')
    await row(sol, ada).getByTestId('incident-open').click()
    await sol.getByTestId('incident-desk').waitFor()
    await expect.poll(async () => (await sol.getByTestId('incident-log-item').allTextContents()).join('\n')).toContain('Incident handed to Sol Adeyemi')

    // A note on the incident shows on its card at every console.
    await sol.getByTestId('desk-note').fill('Ada is on the floor in the kitchen, conscious')
    await sol.getByTestId('incident-desk').getByRole('button', { name: 'Add note' }).click()
    await expect.poll(() => row(rhys, ada).getByTestId('incident-note').textContent()).toBe('Ada is on the floor in the kitchen, conscious · Sol Adeyemi')

    // The supervisor takes it over: Sol's desk closes, and Sol is told who has it now.
    await row(sue, ada).getByTestId('incident-take-over').click()
    await row(sue, ada).getByTestId('incident-take-over-confirm').click()
    await sue.getByTestId('incident-desk').waitFor()
    await sol.getByTestId('incident-desk').waitFor({ state: 'detached' })
    expect(await sol.getByTestId('console-message').textContent()).toBe('Ada Lovelace: now held by Sue Marsh.')
    await expect.poll(() => row(rhys, ada).getByTestId('incident-holder').textContent()).toBe('Held by Sue Marsh')
  })

  it('sounds the emergency cue again every few seconds until every emergency is answered; muting is remembered by the browser', async () => {
    const hearing = await consoleOf(staff.rhys, RECORD_TONES)
    const muted = await consoleOf(staff.sol, RECORD_TONES)
    await muted.getByTestId('mute-toggle').click()
    await muted.reload()
    await muted.getByTestId('console').waitFor()
    expect(await muted.getByTestId('mute-toggle').getAttribute('aria-pressed')).toBe('true')

    // Seven emergencies still wait: three short square tones, again and again.
    const heard = (await tonesOf(hearing)).length
    await eventually(async () => ((await tonesOf(hearing)).length >= heard + 6 ? true : undefined), 'the cue twice more', 15_000)
    expect(new Set(await tonesOf(hearing))).toEqual(new Set(['square']))
    expect(await tonesOf(muted)).toEqual([])

    // Once every emergency is answered the cue stops.
    const open = (await t.api.request('GET', '/api/alerts')).body.alerts as Alert[]
    for (const alert of open.filter((a) => a.status === 'raised' && a.priority === 'emergency')) {
      expect((await t.api.request('POST', `/api/alerts/${alert.id}/acknowledge`)).status).toBe(200)
    }
    await expect.poll(() => hearing.locator('[data-testid="incident"][data-priority="emergency"][data-waiting="true"]').count()).toBe(0)
    const after = (await tonesOf(hearing)).length
    await sleep(6000)
    expect((await tonesOf(hearing)).length).toBe(after)
  })
})
