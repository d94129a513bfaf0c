import { mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, Page, WebSocketRoute } from 'playwright-core'
import type { DeviceCommand } from '../../../contract/index.js'
import { VirtualDevice } from '../../../simulators/virtual-device.js'
import { launchBrowser, seriousViolations, signIn } from '../../helpers/browser.js'
import { ADMIN_PASSWORD, TestApi, eventually, removeDir, startTestPlatform, tempDir, type TestPlatform } from '../../../harness/test-platform.js'

/**
 * Screenshots are taken on every run; with HEARTH_UPDATE_SCREENSHOTS=1 they replace the README's
 * (docs/screenshots), otherwise they go to a temporary folder.
 */
const SCREENSHOTS = process.env.HEARTH_UPDATE_SCREENSHOTS === '1' ? 'docs/screenshots' : join(tmpdir(), 'hearth-screenshots')

/**
 * The dashboard as people use it: Debian's Chromium, driven by playwright-core, against the whole
 * platform with simulated devices speaking MQTT.
 */
describe('the dashboard in a real browser', { timeout: 120_000 }, () => {
  const dataDir = tempDir()
  let t: TestPlatform
  let browser: Browser
  let personId: string
  let pendant: VirtualDevice
  let wrist: VirtualDevice
  const heard: DeviceCommand[] = []
  const contexts: BrowserContext[] = []

  const pageFor = async (username: string, password: string, viewport = { width: 1366, height: 768 }): Promise<Page> => {
    const context = await browser.newContext({ viewport })
    contexts.push(context)
    const page = await context.newPage()
    await signIn(page, t.httpUrl, username, password)
    return page
  }

  const createUser = async (username: string, roles: string[]): Promise<string> => {
    const password = `${username}-password-1`
    const created = await t.api.request('POST', '/api/users', { username, password, displayName: username[0]?.toUpperCase() + username.slice(1), roles })
    expect(created.status).toBe(201)
    return password
  }

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true })
    t = await startTestPlatform(dataDir)
    const created = await t.api.request('POST', '/api/persons', {
      name: 'Edith Cavell',
      address: '12 Norwich Road, Swardeston',
      phone: '01508 555 0101',
      medicalNotes: 'Type 2 diabetes; uses a walking frame. Key safe by the back door.',
      contacts: [{ name: 'Ann Cavell', relationship: 'niece', phone: '07700 900 456', keyHolder: true }],
    })
    personId = created.body.id as string
    pendant = new VirtualDevice(await t.api.provision('pendant', personId, 'pendant-edith'), t.mqttUrl)
    wrist = new VirtualDevice(await t.api.provision('wearable', personId, 'wrist-edith'), t.mqttUrl)
    pendant.on('command', (c) => heard.push(c))
    await Promise.all([pendant.connect(), wrist.connect()])
    browser = await launchBrowser()
  })

  afterAll(async () => {
    await Promise.all(contexts.map((c) => c.close()))
    await browser?.close()
    await Promise.all([pendant?.close(), wrist?.close()])
    await t?.close()
    removeDir(dataDir)
  })

  it('shows a pendant press live in the queue with its clock and cue; the responder acknowledges, notes and resolves it, and the pendant hears it', async () => {
    const password = await createUser('sam', ['responder'])
    const page = await pageFor('sam', password)
    await page.getByTestId('queue').waitFor()
    await page.evaluate(() => {
      ;(window as unknown as { notReloaded: boolean }).notReloaded = true
    })
    expect(await seriousViolations(page)).toEqual([])

    await pendant.event('alarm.pressed')
    const item = page.getByTestId('alert-item').filter({ hasText: 'Edith Cavell' })
    await item.waitFor()
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true)
    await expect.poll(() => item.getAttribute('data-priority')).toBe('emergency')
    await expect.poll(() => item.getByTestId('alert-clock').textContent()).toMatch(/\d/)
    await expect.poll(() => page.getByTestId('new-emergency-banner').textContent()).toContain('Edith Cavell')
    expect(await item.textContent()).toContain('Alarm pressed')
    await page.screenshot({ path: `${SCREENSHOTS}/queue.png` })
    expect(await seriousViolations(page)).toEqual([])

    await item.getByTestId('ack-button').click()
    await expect.poll(() => item.getAttribute('data-status')).toBe('acknowledged')
    await eventually(() => heard.find((c) => c.type === 'alarm.acknowledged'), 'the pendant to hear the acknowledgement')
    expect(heard.find((c) => c.type === 'alarm.acknowledged')?.text).toBe('Your call has been answered')

    await item.getByTestId('note-input').fill('Spoke to Edith: slipped in the kitchen, not hurt. Ann is on her way.')
    await item.getByTestId('note-button').click()
    const alertId = (await item.getAttribute('data-alert-id')) as string
    await eventually(async () => {
      const { body } = await t.api.request('GET', `/api/alerts/${alertId}`)
      return (body.history as Array<{ action: string; by: string }>).find((h) => h.action === 'note' && h.by === 'sam')
    }, 'the note in the alert history')

    await item.getByTestId('resolve-outcome').selectOption('resolved-by-phone')
    await item.getByTestId('resolve-button').click()
    await item.waitFor({ state: 'detached' })
    const { body } = await t.api.request('GET', `/api/alerts/${alertId}`)
    expect(body).toMatchObject({ status: 'resolved', outcome: 'resolved-by-phone', acknowledgedBy: 'sam', resolvedBy: 'sam' })
    await eventually(() => heard.find((c) => c.type === 'alarm.resolved'), 'the pendant to hear the resolution')
  })

  it("charts the readings a simulated wearable sent on the person's page", async () => {
    // A day the wearable kept while offline and uploads now: an hour a pack, a reading every 5 minutes.
    const dayAgoS = Math.floor(Date.now() / 1000) - 24 * 3600
    for (let hour = 0; hour < 24; hour++) {
      const pack = Array.from({ length: 12 }, (_, i) => {
        const t = hour * 3600 + i * 300
        const pulse = Math.round(70 + 8 * Math.sin((t / 86_400) * 2 * Math.PI) + (i % 3))
        return [
          { ...(i === 0 ? { bt: dayAgoS + hour * 3600 } : {}), n: 'heart_rate', u: 'beat/min', v: pulse, t: i * 300 },
          { n: 'spo2', u: '%', v: Math.round(96 + Math.sin((t / 86_400) * 4 * Math.PI)), t: i * 300 },
        ]
      }).flat()
      await wrist.readings(pack, 1)
    }
    for (const v of [72, 75, 79, 74]) await wrist.readings([{ n: 'heart_rate', u: 'beat/min', v }, { n: 'spo2', u: '%', v: 97 }], 1)
    await eventually(async () => {
      const { body } = await t.api.request('GET', `/api/persons/${personId}`)
      // The last reading sent, so that everything before it is stored too.
      return (body.latest as Array<{ metric: string; value: number }>).some((l) => l.metric === 'heart_rate' && l.value === 74) ? true : undefined
    }, 'the readings stored')
    const page = await pageFor('admin', ADMIN_PASSWORD)
    await page.goto(`${t.httpUrl}/#/person/${personId}`)
    await page.getByTestId('person-view').waitFor()
    const chart = page.getByTestId('chart-heart_rate')
    await chart.locator('canvas').first().waitFor()
    await expect.poll(() => chart.textContent()).toMatch(/74/)
    expect(await page.getByTestId('person-view').textContent()).toContain('Key safe by the back door')
    await page.screenshot({ path: `${SCREENSHOTS}/person.png`, fullPage: true })
    expect(await seriousViolations(page)).toEqual([])
  })

  it('lets a clinician change a threshold so that a reading beyond it raises the alert', async () => {
    const password = await createUser('claire', ['clinician'])
    const page = await pageFor('claire', password)
    await page.goto(`${t.httpUrl}/#/person/${personId}`)
    const form = page.getByTestId('thresholds-form')
    await form.waitFor()
    await page.getByTestId('threshold-heart_rate-above').fill('100')
    await page.getByLabel('Pulse clears at or below').fill('95')
    await page.getByLabel('Pulse for seconds').fill('0')
    await page.getByTestId('threshold-reason').fill('Rate control: alert above 100')
    await page.getByTestId('thresholds-save').click()
    await eventually(async () => {
      const { body } = await t.api.request('GET', `/api/persons/${personId}/thresholds`)
      return (body.thresholds as Array<{ metric: string; above?: number; forSeconds: number; source: string }>).find(
        (r) => r.metric === 'heart_rate' && r.above === 100 && r.forSeconds === 0 && r.source === 'person',
      )
    }, 'the new threshold')
    expect(await seriousViolations(page)).toEqual([])

    for (const v of [104, 108]) await wrist.readings([{ n: 'heart_rate', u: 'beat/min', v }], 1)
    const alert = await eventually(async () => {
      const { body } = await t.api.request('GET', '/api/alerts/queue')
      return (body.alerts as Array<{ kind: string; summary: string }>).find((a) => a.kind === 'threshold.heart_rate')
    }, 'the threshold alert')
    expect(alert.summary).toMatch(/^Pulse 10[48] beat\/min, above 100 beat\/min/)
  })

  it('says at once when the live connection drops, and on reconnecting shows only what is still true', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 } })
    contexts.push(context)
    // The live connection runs through a switch the test holds: while it is off, nothing reaches the page.
    let connected = true
    const open: Array<{ page: WebSocketRoute; server: WebSocketRoute }> = []
    await context.routeWebSocket(/\/socket\.io\//, (ws) => {
      if (!connected) return void ws.close()
      open.push({ page: ws, server: ws.connectToServer() })
    })
    const page = await context.newPage()
    await signIn(page, t.httpUrl, 'admin', ADMIN_PASSWORD)
    await pendant.event('alarm.pressed')
    const first = page.getByTestId('alert-item').filter({ hasText: 'Alarm pressed' })
    await first.waitFor()
    const firstId = (await first.getAttribute('data-alert-id')) as string

    connected = false
    for (const ws of open.splice(0)) {
      await ws.server.close()
      await ws.page.close()
    }
    await expect.poll(() => page.getByTestId('connection-banner').textContent()).toMatch(/lost/i)
    // While the page hears nothing: someone else closes that alert, and a fall comes in.
    expect((await t.api.request('POST', `/api/alerts/${firstId}/resolve`, { outcome: 'false-alarm' })).status).toBe(200)
    const fallDetector = new VirtualDevice(await t.api.provision('fall-detector', personId, 'fall-edith'), t.mqttUrl)
    await fallDetector.connect()
    await fallDetector.event('fall.detected', { confidence: 0.9 })
    await eventually(async () => ((await t.api.request('GET', '/api/alerts/queue')).body.alerts as Array<{ kind: string }>).find((a) => a.kind === 'fall.detected'), 'the fall')
    expect(await page.locator(`[data-alert-id="${firstId}"]`).count()).toBe(1)

    connected = true
    await page.getByTestId('alert-item').filter({ hasText: 'Fall detected' }).waitFor({ timeout: 40_000 })
    await page.locator(`[data-alert-id="${firstId}"]`).waitFor({ state: 'detached' })
    await expect.poll(() => page.getByTestId('connection-banner').count()).toBe(0)
    await fallDetector.close()
  })

  it('keeps a responder out of the user admin page', async () => {
    const page = await pageFor('sam', 'sam-password-1')
    await page.goto(`${t.httpUrl}/#/users`)
    await page.getByTestId('no-access').waitFor()
    expect(await page.getByTestId('users-page').count()).toBe(0)
    const api = new TestApi(t.httpUrl)
    await api.login('sam', 'sam-password-1')
    expect((await api.request('GET', '/api/users')).status).toBe(403)
  })

  it('passes the accessibility checks on the sign-in, people, devices, figures and users pages', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 } })
    contexts.push(context)
    const signInPage = await context.newPage()
    await signInPage.goto(t.httpUrl)
    await signInPage.getByTestId('signin-form').waitFor()
    expect(await seriousViolations(signInPage)).toEqual([])

    const page = await pageFor('admin', ADMIN_PASSWORD)
    for (const [route, testId] of [
      ['#/people', 'people-page'],
      ['#/devices', 'devices-page'],
      ['#/figures', 'figures-page'],
      ['#/users', 'users-page'],
    ] as const) {
      await page.goto(`${t.httpUrl}/${route}`)
      await page.getByTestId(testId).waitFor()
      expect({ route, violations: await seriousViolations(page) }).toEqual({ route, violations: [] })
    }
  })
})
