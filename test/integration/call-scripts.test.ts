import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Alert, TimelineItem } from '../../contract/index.js'
import { VirtualDevice } from '../../simulators/virtual-device.js'
import { eventually, removeDir, signedInUser, startTestPlatform, tempDir, type TestApi, type TestPlatform } from '../../harness/test-platform.js'

const fields = (body: any): string[] => body.error.problems.map((p: { field: string }) => p.field)
const scriptOf = (body: any, kind: string): any => (body.scripts as any[]).find((s) => s.kind === kind)

describe('call scripts', { timeout: 60_000 }, () => {
  const dataDir = tempDir()
  let t: TestPlatform
  let ada: string
  let detector: VirtualDevice
  let responder: TestApi
  let supervisor: TestApi

  beforeAll(async () => {
    t = await startTestPlatform(dataDir)
    ada = await t.api.createPerson('Ada Lovelace')
    responder = (await signedInUser(t, 'resp.dee', ['responder'])).api
    supervisor = (await signedInUser(t, 'sup.max', ['supervisor'])).api
    detector = new VirtualDevice(await t.api.provision('fall-detector', ada, 'fall-ada'), t.mqttUrl)
    await detector.connect()
  })
  afterAll(async () => {
    await detector?.close()
    await t?.close()
    removeDir(dataDir)
  })

  it('ships a script for each alarm kind', async () => {
    const { status, body } = await responder.request('GET', '/api/call-scripts')
    expect(status).toBe(200)
    expect((body.scripts as any[]).map((s) => s.kind)).toEqual(
      expect.arrayContaining(['alarm.pressed', 'fall.detected', 'smoke.detected', 'co.detected', 'heat.detected', 'inactivity', 'device.offline']),
    )
    expect(scriptOf(body, 'fall.detected')).toEqual({ kind: 'fall.detected', questions: ['Are you hurt?', 'Can you get up?', 'Are you warm?'], version: 0, changedAt: null, changedBy: null, reason: null })
  })

  it('supervisors edit a script in versions with who and why; responders may not', async () => {
    const put = (api: TestApi, body: unknown, kind = 'fall.detected') => api.request('PUT', `/api/call-scripts/${kind}`, body)
    const refused = await put(responder, { questions: ['Are you hurt?'], reason: 'shorter' })
    expect(refused.status).toBe(403)

    const first = await put(supervisor, { questions: ['Are you hurt?', 'Can you get up?', 'Are you warm?', 'Is the door locked?'], reason: 'ambulance crews asked about access' })
    expect(first).toMatchObject({ status: 200, body: { kind: 'fall.detected', version: 1, changedBy: 'sup.max', reason: 'ambulance crews asked about access' } })
    const second = await put(t.api, { questions: ['Are you hurt?', 'Can you get up?', 'Are you warm?', 'Can we get in?'], reason: 'plainer words' })
    expect(second).toMatchObject({ status: 200, body: { version: 2, changedBy: 'admin' } })
    const fall = scriptOf((await responder.request('GET', '/api/call-scripts')).body, 'fall.detected')
    expect(fall).toMatchObject({ version: 2, reason: 'plainer words', questions: ['Are you hurt?', 'Can you get up?', 'Are you warm?', 'Can we get in?'] })
    // Other kinds keep their defaults.
    expect(scriptOf((await responder.request('GET', '/api/call-scripts')).body, 'alarm.pressed').version).toBe(0)

    expect(fields((await put(supervisor, { questions: [], reason: 'none' })).body)).toContain('questions')
    expect((await put(supervisor, { questions: Array.from({ length: 13 }, (_, i) => `Question ${i + 1}?`), reason: 'many' })).status).toBe(400)
    expect((await put(supervisor, { questions: ['x'.repeat(201)], reason: 'long' })).status).toBe(400)
    expect((await put(supervisor, { questions: ['  '], reason: 'blank' })).status).toBe(400)
    expect(fields((await put(supervisor, { questions: ['Are you hurt?'] })).body)).toContain('reason')
    expect(fields((await put(supervisor, { questions: ['Are you hurt?'], reason: 'no such kind' }, 'made.up')).body)).toEqual(['kind'])
    expect((await put(supervisor, { questions: ['x'.repeat(200)], reason: 'longest allowed' }, 'flood.detected')).status).toBe(200)
  })

  it('records the answers in the alert log and on the person timeline', async () => {
    await detector.event('fall.detected')
    const fall = await eventually(async () => ((await responder.request('GET', '/api/alerts?status=open')).body.alerts as Alert[]).find((a) => a.kind === 'fall.detected'), 'the fall in the queue')
    const answers = [
      { question: 'Are you hurt?', answer: 'Sore hip' },
      { question: 'Can you get up?', answer: 'No' },
      { question: 'Are you warm?', answer: 'Yes, has a blanket' },
    ]
    const recorded = await responder.request('POST', `/api/alerts/${fall.id}/script-answers`, { answers })
    expect(recorded).toMatchObject({ status: 201, body: { alertId: fall.id, scriptVersion: 2, answers } })
    expect((await responder.request('POST', `/api/alerts/${fall.id}/script-answers`, { answers: [] })).status).toBe(400)
    expect((await responder.request('POST', `/api/alerts/${fall.id}/script-answers`, { answers: [{ question: 'Are you hurt?' }] })).status).toBe(400)

    const history = (await responder.request('GET', `/api/alerts/${fall.id}`)).body.history as Array<{ action: string; by: string; detail: string }>
    const entry = history.find((h) => h.action === 'script-answers')
    expect(entry?.by).toBe('resp.dee')
    expect(entry?.detail).toContain('Can you get up? No')
    expect(entry?.detail).toContain('Are you warm? Yes, has a blanket')

    const timeline = (await t.api.request('GET', `/api/persons/${ada}/timeline`)).body.items as TimelineItem[]
    const item = timeline.find((i) => i.alertId === fall.id && i.type === 'script-answers')
    expect(item?.text).toContain('Are you hurt? Sore hip')
  })
})
