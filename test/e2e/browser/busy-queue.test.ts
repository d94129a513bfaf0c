import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import type { EventType } from '../../../contract/index.js'
import { VirtualDevice } from '../../../simulators/virtual-device.js'
import { launchBrowser, signIn } from '../../helpers/browser.js'
import { ADMIN_PASSWORD, eventually, removeDir, startTestPlatform, tempDir, type TestPlatform } from '../../../harness/test-platform.js'

const KINDS: EventType[] = ['alarm.pressed', 'fall.detected', 'smoke.detected', 'co.detected', 'heat.detected', 'flood.detected', 'medication.missed']
const PEOPLE = 72 // 72 homes × 7 kinds: 504 open alerts

/** A bad night for the alarm receiving centre: over 500 open alerts, all live on one screen. */
describe('a queue of 500 open alerts in a real browser', { timeout: 180_000 }, () => {
  const dataDir = tempDir()
  let t: TestPlatform
  let browser: Browser
  const hubs: VirtualDevice[] = []

  beforeAll(async () => {
    t = await startTestPlatform(dataDir)
    for (let i = 0; i < PEOPLE; i++) {
      const personId = await t.api.createPerson(`Resident ${String(i + 1).padStart(2, '0')}`)
      hubs.push(new VirtualDevice(await t.api.provision('hub', personId, `hub-${i}`), t.mqttUrl))
    }
    await Promise.all(hubs.map((h) => h.connect()))
    for (const kind of KINDS) await Promise.all(hubs.map((h) => h.event(kind)))
    await eventually(async () => ((await t.api.request('GET', '/api/alerts/queue')).body.alerts.length === PEOPLE * KINDS.length ? true : undefined), 'every alert raised', 60_000)
    browser = await launchBrowser()
  })

  afterAll(async () => {
    await browser?.close()
    await Promise.all(hubs.map((h) => h.close()))
    await t?.close()
    removeDir(dataDir)
  })

  it('shows every one, emergencies first, keeps every clock running, and takes a new one live', async () => {
    const page = await (await browser.newContext({ viewport: { width: 1366, height: 768 } })).newPage()
    await signIn(page, t.httpUrl, 'admin', ADMIN_PASSWORD)
    const items = page.getByTestId('alert-item')
    await expect.poll(() => items.count(), { timeout: 20_000 }).toBe(PEOPLE * KINDS.length)
    const priorities = await items.evaluateAll((all) => all.map((el) => el.getAttribute('data-priority')))
    expect(priorities.slice(0, PEOPLE * 6).every((p) => p === 'emergency')).toBe(true)
    expect(priorities.slice(PEOPLE * 6).every((p) => p === 'warning')).toBe(true)

    const lastClock = items.last().getByTestId('alert-clock')
    const before = await lastClock.textContent()
    await expect.poll(() => lastClock.textContent(), { timeout: 10_000 }).not.toBe(before)

    const late = new VirtualDevice(await t.api.provision('pendant', (await t.api.request('GET', '/api/persons')).body.persons[0].id as string, 'pendant-late'), t.mqttUrl)
    await late.connect()
    await late.event('alarm.pressed')
    // The press folds into that person's open alarm: the item shows it happened twice.
    await expect.poll(() => items.filter({ hasText: '2 times' }).count(), { timeout: 10_000 }).toBe(1)
    await late.close()
  })
})
