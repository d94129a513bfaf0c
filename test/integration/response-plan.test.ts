import type { Socket } from 'socket.io-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Alert, ServerToClientEvents, TimelineItem } from '../../contract/index.js'
import { VirtualDevice } from '../../simulators/virtual-device.js'
import { ManualClock, TestApi, connectLive, raisedBy, nextAlert, removeDir, signedInUser, startTestPlatform, tempDir, type TestPlatform } from '../../harness/test-platform.js'

const fields = (body: any): string[] => body.error.problems.map((p: { field: string }) => p.field)

// A Wednesday evening in winter: London is on UTC.
const WEDNESDAY_7PM = Date.parse('2026-01-14T19:00:00Z')
const MINUTE = 60_000

const STEPS = [
  { name: 'Mary Shaw', relationship: 'daughter', phone: '07700 900101', email: 'mary@example.org', availability: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '18:00', to: '23:00' }] },
  { name: 'Tom Reed', relationship: 'neighbour', phone: '07700 900102', availability: [{ days: ['sat', 'sun'], from: '08:00', to: '20:00' }] },
  { name: 'Priya Nair', relationship: 'key-holder', phone: '07700 900103', alertKinds: ['inactivity'] },
  { name: 'Sam Shaw', relationship: 'son', phone: '+44 7700 900104', alertKinds: ['emergency'] },
]

describe('response plans and the call console', { timeout: 60_000 }, () => {
  const clock = new ManualClock(WEDNESDAY_7PM)
  const dataDir = tempDir()
  let t: TestPlatform
  let ada: string
  let pendant: VirtualDevice
  let responder: TestApi
  let nurse: TestApi
  let befriender: TestApi
  const sockets: Array<Socket<ServerToClientEvents>> = []
  const plan = (api: TestApi) => api.request('GET', `/api/persons/${ada}/response-plan`)

  const memberOrg = async (kind: string, scopes: string[]): Promise<string> => {
    const org = await t.api.request('POST', '/api/organisations', { name: `${kind} team`, kind })
    expect((await t.api.request('POST', `/api/persons/${ada}/circle`, { organisationId: org.body.id, relationship: kind, scopes, basis: 'consent' })).status).toBe(201)
    return org.body.id as string
  }
  /** A new alarm from Ada's pendant, as the responder sees it in the queue. */
  const pressed = (): Promise<Alert> => raisedBy(responder, () => pendant.event('alarm.pressed'), 'the alarm in the queue')

  beforeAll(async () => {
    t = await startTestPlatform(dataDir, {}, clock)
    ada = await t.api.createPerson('Ada Lovelace')
    responder = (await signedInUser(t, 'resp.sam', ['responder'])).api
    nurse = (await signedInUser(t, 'nurse.jo', ['clinician'], await memberOrg('nhs-health', ['alerts', 'timeline', 'care-settings']))).api
    befriender = (await signedInUser(t, 'befriender.al', ['volunteer'], await memberOrg('voluntary', ['timeline', 'notes:write']))).api
    pendant = new VirtualDevice(await t.api.provision('pendant', ada, 'pendant-ada'), t.mqttUrl)
    await pendant.connect()
  })
  afterAll(async () => {
    for (const socket of sockets) socket.close()
    await pendant?.close()
    await t?.close()
    removeDir(dataDir)
  })

  it('keeps plan versions with who and why, shown to those who may read contact details', async () => {
    expect((await plan(responder)).body).toMatchObject({ personId: ada, version: 0, steps: [], canEdit: true })
    const first = await t.api.request('PUT', `/api/persons/${ada}/response-plan`, { steps: STEPS.slice(0, 2), reason: 'first plan, agreed with Ada' })
    expect(first).toMatchObject({ status: 200, body: { version: 1, changedBy: 'admin' } })
    const second = await t.api.request('PUT', `/api/persons/${ada}/response-plan`, { steps: STEPS, reason: 'Sam and Priya added' })
    expect(second.status).toBe(200)

    const { status, body } = await plan(responder)
    expect(status).toBe(200)
    expect(body).toMatchObject({ version: 2, changedBy: 'admin', reason: 'Sam and Priya added' })
    expect(body.steps.map((s: any) => [s.name, s.family])).toEqual([
      ['Mary Shaw', true],
      ['Tom Reed', false],
      ['Priya Nair', false],
      ['Sam Shaw', true],
    ])
    expect(body.steps[0]).toMatchObject(STEPS[0] as object)
    const history = await responder.request('GET', `/api/persons/${ada}/response-plan/history`)
    expect(history.body.versions.map((v: any) => [v.version, v.reason, v.steps.length])).toEqual([
      [2, 'Sam and Priya added', 4],
      [1, 'first plan, agreed with Ada', 2],
    ])
    // Phone numbers are contact details: not for a nurse whose team was not given them.
    expect((await plan(nurse)).status).toBe(403)
  })

  it('answers a bad plan with a 400 naming each problem', async () => {
    const step = STEPS[0] as Record<string, unknown>
    const { status, body } = await t.api.request('PUT', `/api/persons/${ada}/response-plan`, {
      steps: [
        { ...step, phone: 'ring her' },
        { ...step, email: 'mary at example' },
        { ...step, availability: [{ days: ['monday'], from: '18:00', to: '23:00' }] },
        { ...step, availability: [{ days: ['mon'], from: '18:00', to: '18:00' }] },
        { ...step, alertKinds: ['alarm.exploded'] },
      ],
      reason: 'typos',
    })
    expect(status).toBe(400)
    expect(fields(body)).toEqual(['steps.0.phone', 'steps.1.email', 'steps.2.availability.0.days.0', 'steps.3.availability.0.to', 'steps.4.alertKinds.0'])
    expect((await plan(responder)).body.version).toBe(2)
  })

  it('logs each call against the plan in force and names the next step by availability and alert kind', async () => {
    const alarm = await pressed()
    const calls = () => responder.request('GET', `/api/alerts/${alarm.id}/calls`)
    // Wednesday 19:00: Mary is there on weekday evenings.
    expect((await calls()).body).toMatchObject({ alertId: alarm.id, planVersion: 2, calls: [], nextStep: { index: 0, name: 'Mary Shaw', phone: '07700 900101' } })

    const log = (body: unknown) => responder.request('POST', `/api/alerts/${alarm.id}/calls`, body)
    const unanswered = await log({ step: 0, outcome: 'no-answer' })
    expect(unanswered.status).toBe(201)
    expect(unanswered.body.call).toMatchObject({ alertId: alarm.id, personId: ada, planVersion: 2, step: 0, name: 'Mary Shaw', relationship: 'daughter', outcome: 'no-answer', etaMinutes: null, by: 'resp.sam' })
    // Tom only at weekends, Priya only for inactivity: Sam is for emergencies at any time.
    expect(unanswered.body.nextStep).toEqual({ index: 3, name: 'Sam Shaw', relationship: 'son', phone: '+44 7700 900104' })

    expect(await log({ step: 3, outcome: 'declined', etaMinutes: 10 })).toMatchObject({ status: 400, body: { error: { problems: [{ field: 'etaMinutes' }] } } })
    expect(await log({ step: 4, outcome: 'no-answer' })).toMatchObject({ status: 400, body: { error: { problems: [{ field: 'step', message: expect.stringContaining('steps 0 to 3') }] } } })
    expect(fields((await log({ step: 3, outcome: 'maybe' })).body)).toEqual(['outcome'])

    clock.set(WEDNESDAY_7PM + 3 * MINUTE)
    const coming = await log({ step: 3, outcome: 'will-attend', etaMinutes: 20, note: 'Bringing her spare keys' })
    expect(coming).toMatchObject({ status: 201, body: { call: { outcome: 'will-attend', etaMinutes: 20, note: 'Bringing her spare keys' }, nextStep: null } })
    expect((await calls()).body.calls.map((c: any) => [c.step, c.outcome])).toEqual([
      [0, 'no-answer'],
      [3, 'will-attend'],
    ])

    // A nurse in the circle reads the calls on Ada's timeline; a befriender may not make them.
    const timeline = (await nurse.request('GET', `/api/persons/${ada}/timeline`)).body.items as TimelineItem[]
    expect(timeline.filter((i) => i.source === 'call').map((i) => [i.text, i.by])).toEqual([
      ['Call to Sam Shaw (son): will attend, in about 20 min. Bringing her spare keys', 'resp.sam'],
      ['Call to Mary Shaw (daughter): no answer', 'resp.sam'],
    ])
    expect((await befriender.request('POST', `/api/alerts/${alarm.id}/calls`, { step: 0, outcome: 'no-answer' })).status).toBe(403)

    // Closed, a call is still logged for the record (telling the family how it ended); nothing is next.
    expect((await responder.request('POST', `/api/alerts/${alarm.id}/resolve`, { outcome: 'responder-visited' })).status).toBe(200)
    expect(await log({ step: 0, outcome: 'attended', note: 'Told Mary all is well' })).toMatchObject({ status: 201, body: { nextStep: null } })
  })

  it('carries the preferred name and communication needs on alerts for those who may see them, and nowhere else', async () => {
    const wishes = { preferredName: 'Ada', communicationNeeds: ['Hard of hearing: speak slowly, face her'], reason: 'her words' }
    expect((await nurse.request('PUT', `/api/persons/${ada}/wishes`, wishes)).status).toBe(200)
    const desk = await connectLive(responder)
    const outsideAlerts = await connectLive(befriender)
    sockets.push(desk, outsideAlerts)
    const seenByBefriender: Alert[] = []
    outsideAlerts.on('alert', (alert) => seenByBefriender.push(alert))

    const live = nextAlert(desk, (a) => a.personId === ada && a.status === 'raised')
    const alarm = await pressed()
    const person = { preferredName: 'Ada', communicationNeeds: ['Hard of hearing: speak slowly, face her'] }
    expect((await live).person).toEqual(person)
    expect(alarm.person).toEqual(person)
    expect(((await responder.request('GET', '/api/alerts/queue')).body.alerts as Alert[]).find((a) => a.id === alarm.id)?.person).toEqual(person)
    expect((await responder.request('GET', `/api/alerts/${alarm.id}`)).body.person).toEqual(person)

    // The befriender follows Ada's timeline but not her alerts: no alert, live or asked for.
    expect((await befriender.request('GET', `/api/alerts/${alarm.id}`)).status).toBe(403)
    const note = new Promise<void>((resolve) => outsideAlerts.once('person.note', () => resolve()))
    expect((await befriender.request('POST', `/api/persons/${ada}/notes`, { text: 'Visited, all well.' })).status).toBe(201)
    await note
    expect(seenByBefriender).toEqual([])
  })
})
