import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Locator, Page } from 'playwright-core'
import { seriousViolations } from '../../helpers/browser.js'
import { BrowserRig } from '../../helpers/browser-rig.js'
import type { TestPlatform } from '../../../harness/test-platform.js'

const FALL_QUESTIONS = ['Are you hurt, and where?', 'Can you move your arms and legs?', 'Are you warm enough?', 'Is anyone with you?']
const REASON = 'agreed at the falls review: ask about company too'

/** Supervisors write the questions responders ask on the console, in a real browser. */
describe('the call scripts page', { timeout: 180_000 }, () => {
  const rig = new BrowserRig()
  let t: TestPlatform
  const sue = { username: 'sue', password: 'sue-password-1' }
  const rhys = { username: 'rhys', password: 'rhys-password-1' }

  beforeAll(async () => {
    t = await rig.start()
    for (const [who, displayName, roles] of [
      [sue, 'Sue Marsh', ['supervisor']],
      [rhys, 'Rhys Morgan', ['responder']],
    ] as const) {
      const created = await t.api.request('POST', '/api/users', { username: who.username, password: who.password, displayName, roles })
      expect(created.status).toBe(201)
    }
  })

  afterAll(() => rig.close())

  const scriptsPage = async (): Promise<Page> => {
    const page = await rig.signedIn(sue)
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Call scripts' }).click()
    await page.getByTestId('call-scripts-page').waitFor()
    return page
  }
  const panel = (page: Page, kind: string): Locator => page.locator(`[data-testid="call-script-panel"][data-kind="${kind}"]`)
  const shown = (script: Locator) => script.getByTestId('call-script-questions-shown').getByRole('listitem').allTextContents()

  it('lets a supervisor rewrite the fall script with a reason, and shows the new version, its questions and who changed it', async () => {
    const page = await scriptsPage()
    expect(await page.title()).toContain('Call scripts')
    const fall = panel(page, 'fall.detected')
    expect(await fall.getByRole('heading').textContent()).toBe('Fall detected · version 0')
    expect(await shown(fall)).toEqual(['Are you hurt?', 'Can you get up?', 'Are you warm?'])
    expect(await fall.textContent()).toContain('Shipped with Hearth')
    expect(await panel(page, 'alarm.pressed').getByRole('heading').textContent()).toBe('Alarm pressed · version 0')

    await fall.getByRole('button', { name: 'Edit' }).click()
    const questions = fall.getByLabel('Questions (one a line, at most 12)')
    expect(await questions.inputValue()).toBe('Are you hurt?\nCan you get up?\nAre you warm?')
    // Blank lines and spaces around a question are dropped.
    await questions.fill(`${FALL_QUESTIONS.slice(0, 2).join('\n')}\n\n  ${FALL_QUESTIONS.slice(2).join('\n')}  \n`)
    await fall.getByLabel('Reason for the change').fill(REASON)
    expect(await seriousViolations(page)).toEqual([])
    await fall.getByRole('button', { name: 'Save' }).click()

    await expect.poll(() => fall.getByTestId('call-script-done').textContent()).toBe('Saved as version 1.')
    expect(await fall.getByRole('heading').textContent()).toBe('Fall detected · version 1')
    expect(await shown(fall)).toEqual(FALL_QUESTIONS)
    expect(await fall.getByTestId('call-script-changed').textContent()).toMatch(new RegExp(`^Changed .+ by sue: ${REASON}$`))
    expect(await fall.getByTestId('call-script-form').count()).toBe(0)

    // After a reload it is still there: the server holds it.
    await page.reload()
    await fall.waitFor()
    expect(await shown(fall)).toEqual(FALL_QUESTIONS)
    expect(await fall.getByRole('heading').textContent()).toBe('Fall detected · version 1')
    expect(await seriousViolations(page)).toEqual([])
  })

  it('refuses an empty list of questions or a change without a reason, saying so beside the field, and keeps the script', async () => {
    const page = await scriptsPage()
    const fall = panel(page, 'fall.detected')
    await fall.getByRole('button', { name: 'Edit' }).click()
    const questions = fall.getByLabel('Questions (one a line, at most 12)')
    const reason = fall.getByLabel('Reason for the change')

    await questions.fill('\n  \n')
    await reason.fill('trying an empty script')
    await fall.getByRole('button', { name: 'Save' }).click()
    await expect.poll(() => questions.getAttribute('aria-invalid')).toBe('true')
    expect(await fall.locator(`#${(await questions.getAttribute('aria-describedby')) ?? 'none'}`).textContent()).toBe('at least one question')
    expect(await fall.getByRole('alert').textContent()).toBe('Not saved: check the marked fields.')
    expect(await seriousViolations(page)).toEqual([])

    await questions.fill('Are you hurt?')
    await reason.fill('')
    await fall.getByRole('button', { name: 'Save' }).click()
    await expect.poll(() => reason.getAttribute('aria-invalid')).toBe('true')
    expect(await fall.locator(`#${(await reason.getAttribute('aria-describedby')) ?? 'none'}`).textContent()).toBe('say why')
    expect(await questions.getAttribute('aria-invalid')).toBeNull()

    // Nothing was saved; Cancel leaves the script as it was.
    await fall.getByRole('button', { name: 'Cancel' }).click()
    expect(await shown(fall)).toEqual(FALL_QUESTIONS)
    expect(await fall.getByRole('heading').textContent()).toBe('Fall detected · version 1')
    const scripts = (await t.api.request('GET', '/api/call-scripts')).body.scripts as Array<{ kind: string; version: number }>
    expect(scripts.find((s) => s.kind === 'fall.detected')?.version).toBe(1)
  })

  it('writes a first script for an alert kind that has none', async () => {
    const page = await scriptsPage()
    expect(await panel(page, 'medication.missed').count()).toBe(0)
    await page.getByLabel('Write a script for…').selectOption({ label: 'Medication missed' })
    await page.getByRole('button', { name: 'Write script' }).click()
    const form = page.getByTestId('new-call-script')
    expect(await form.getByRole('heading').textContent()).toBe('New script: Medication missed')
    await form.getByLabel('Questions (one a line, at most 12)').fill('Have you taken your tablets today?\nDo you have enough left?')
    await form.getByLabel('Reason for the change').fill('the pharmacy asked us to check')
    await form.getByRole('button', { name: 'Save' }).click()

    const missed = panel(page, 'medication.missed')
    await missed.waitFor()
    expect(await missed.getByRole('heading').textContent()).toBe('Medication missed · version 1')
    expect(await shown(missed)).toEqual(['Have you taken your tablets today?', 'Do you have enough left?'])
    // It has one now: no longer offered.
    expect(await page.getByLabel('Write a script for…').locator('option', { hasText: 'Medication missed' }).count()).toBe(0)
  })

  it('is not offered to a responder, who is told so at its address', async () => {
    const page = await rig.signedIn(rhys)
    const nav = page.getByRole('navigation', { name: 'Main' })
    await nav.getByRole('link', { name: 'Console' }).waitFor()
    expect(await nav.getByRole('link').allTextContents()).not.toContain('Call scripts')
    await page.goto(`${t.httpUrl}/#/call-scripts`)
    await page.getByTestId('no-access').waitFor()
    expect(await page.getByTestId('no-access').textContent()).toContain('You do not have access to this page')
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Call scripts')
  })

  it('puts the new questions before a responder answering a fall on the console', async () => {
    const personId = await t.api.createPerson('Peggy Hughes')
    const detector = await rig.device('fall-detector', personId, 'fall-peggy')
    const page = await rig.signedIn(rhys)
    await page.goto(`${t.httpUrl}/#/console`)
    await page.getByTestId('console').waitFor()
    await detector.event('fall.detected', { confidence: 0.9 })
    const row = page.locator(`[data-testid="incident"][data-person-id="${personId}"]`)
    await row.getByTestId('incident-take').click()
    const script = page.getByTestId('incident-desk').getByTestId('call-script')
    await script.waitFor()
    await expect.poll(() => script.locator('.script-question span').allTextContents()).toEqual(FALL_QUESTIONS)
    expect(await script.getByRole('heading').textContent()).toContain('version 1')
  })
})
