import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Alert, TimelineItem } from '../../contract/index.js'
import { VirtualDevice } from '../../simulators/virtual-device.js'
import { ManualClock, raisedBy, removeDir, signedInUser, startTestPlatform, tempDir, type TestApi, type TestPlatform } from '../../harness/test-platform.js'

const NIGHT = Date.parse('2026-03-01T03:00:00Z')
const MINUTE = 60_000

describe("incidents on a person's timeline", { timeout: 60_000 }, () => {
  const clock = new ManualClock(NIGHT)
  const dataDir = tempDir()
  let t: TestPlatform
  let ada: string
  let pendant: VirtualDevice
  let detector: VirtualDevice
  let responder: TestApi
  let nurse: TestApi
  let befriender: TestApi

  const memberOrg = async (kind: string, scopes: string[]): Promise<string> => {
    const org = await t.api.request('POST', '/api/organisations', { name: `${kind} team`, kind })
    expect((await t.api.request('POST', `/api/persons/${ada}/circle`, { organisationId: org.body.id, relationship: kind, scopes, basis: 'consent' })).status).toBe(201)
    return org.body.id as string
  }
  /** A new alert of this kind from one of Ada's devices, as the responder sees it in the queue. */
  const raised = (device: VirtualDevice, type: Parameters<VirtualDevice['event']>[0]): Promise<Alert> => raisedBy(responder, () => device.event(type), `the ${type} alert in the queue`)
  const timelineOf = async (api: TestApi): Promise<TimelineItem[]> => (await api.request('GET', `/api/persons/${ada}/timeline`)).body.items as TimelineItem[]

  beforeAll(async () => {
    t = await startTestPlatform(dataDir, {}, clock)
    ada = await t.api.createPerson('Ada Lovelace')
    responder = (await signedInUser(t, 'resp.kim', ['responder'])).api
    nurse = (await signedInUser(t, 'nurse.ola', ['clinician'], await memberOrg('nhs-health', ['alerts', 'timeline']))).api
    befriender = (await signedInUser(t, 'befriender.bo', ['volunteer'], await memberOrg('voluntary', ['timeline', 'notes:write']))).api
    pendant = new VirtualDevice(await t.api.provision('pendant', ada, 'pendant-ada'), t.mqttUrl)
    detector = new VirtualDevice(await t.api.provision('fall-detector', ada, 'fall-ada'), t.mqttUrl)
    await pendant.connect()
    await detector.connect()
    const steps = [{ name: 'Mary Shaw', relationship: 'daughter', phone: '07700 900101' }]
    expect((await t.api.request('PUT', `/api/persons/${ada}/response-plan`, { steps, reason: 'Mary first' })).status).toBe(200)
  })
  afterAll(async () => {
    await pendant?.close()
    await detector?.close()
    await t?.close()
    removeDir(dataDir)
  })

  it('gives alerts open together one incident, with their calls, and a later alarm another', async () => {
    const fall = await raised(detector, 'fall.detected')
    clock.set(NIGHT + 2 * MINUTE)
    const press = await raised(pendant, 'alarm.pressed')
    clock.set(NIGHT + 3 * MINUTE)
    expect((await responder.request('POST', `/api/alerts/${press.id}/calls`, { step: 0, outcome: 'will-attend', etaMinutes: 15 })).status).toBe(201)
    clock.set(NIGHT + 10 * MINUTE)
    expect((await responder.request('POST', `/api/alerts/${fall.id}/resolve`, { outcome: 'responder-visited' })).status).toBe(200)
    clock.set(NIGHT + 20 * MINUTE)
    expect((await responder.request('POST', `/api/alerts/${press.id}/resolve`, { outcome: 'responder-visited' })).status).toBe(200)
    clock.set(NIGHT + 60 * MINUTE)
    const later = await raised(pendant, 'alarm.pressed')

    const timeline = await timelineOf(nurse)
    const about = (alertId: string) => timeline.filter((i) => i.alertId === alertId)
    expect(about(fall.id).map((i) => i.type)).toEqual(['resolved', 'raised'])
    expect(about(press.id).map((i) => [i.source, i.type])).toEqual([
      ['alert', 'resolved'],
      ['call', 'will-attend'],
      ['alert', 'raised'],
    ])
    for (const item of [...about(fall.id), ...about(press.id)]) expect(item.incidentId).toBe(fall.id)
    expect(about(later.id).map((i) => [i.type, i.incidentId])).toEqual([['raised', later.id]])
    expect(new Set(timeline.filter((i) => i.alertId !== undefined).map((i) => i.incidentId))).toEqual(new Set([fall.id, later.id]))
  })

  it('shows a circle member without the alerts scope no alerts and no calls, only what they may read', async () => {
    expect((await befriender.request('POST', `/api/persons/${ada}/notes`, { text: 'Popped in for tea' })).status).toBe(201)
    const seen = await timelineOf(befriender)
    expect(seen.map((i) => [i.source, i.text])).toEqual([['note', 'Popped in for tea']])
    // The nurse, who may see the alerts, reads the same call.
    expect((await timelineOf(nurse)).filter((i) => i.source === 'call').map((i) => i.text)).toEqual(['Call to Mary Shaw (daughter): will attend, in about 15 min'])
  })
})
