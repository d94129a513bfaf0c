import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningPlatform } from '../../platform/start-platform.js'
import { TestApi, connectDevice, eventually, removeDir, startLoggedPlatform } from '../../harness/test-platform.js'

/** The platform as `npm start` runs it: ingest in its own thread, its logs, metrics and health the platform's. */
describe('ingest in its own thread', () => {
  let dir: string
  let platform: RunningPlatform
  let api: TestApi
  let mqttUrl: string
  const lines: Array<Record<string, unknown>> = []

  beforeAll(async () => {
    ;({ dataDir: dir, platform, api, mqttUrl } = await startLoggedPlatform(lines))
  })

  afterAll(async () => {
    await platform.close()
    removeDir(dir)
  })

  it('stores readings, keeps status, raises an alert from a reading, and logs, counts and reports health as one platform', async () => {
    const personId = await api.createPerson('Grace Hopper')
    const wrist = await api.provision('wearable', personId, 'wrist-thread')
    const device = await connectDevice(mqttUrl, wrist)
    await device.publishAsync('wellbeing/v1/devices/wrist-thread/status', JSON.stringify({ online: true, battery: 0.55 }), { qos: 1, retain: true })
    // An SpO2 of 85% scores 3 in NEWS2: an alert, judged on what the thread checked.
    await device.publishAsync(
      'wellbeing/v1/devices/wrist-thread/readings',
      JSON.stringify([{ n: 'heart_rate', u: 'beat/min', v: 71 }, { n: 'spo2', u: '%', v: 85 }, { n: 'heart_rate', u: 'furlongs', v: 3 }]),
      { qos: 1 },
    )

    const person = await eventually(async () => {
      const { body } = await api.request('GET', `/api/persons/${personId}`)
      return (body.latest as Array<{ metric: string }>).some((l) => l.metric === 'spo2') ? body : undefined
    }, 'the readings stored')
    expect(person.latest).toEqual(expect.arrayContaining([expect.objectContaining({ metric: 'heart_rate', value: 71 }), expect.objectContaining({ metric: 'spo2', value: 85 })]))

    const recorded = await eventually(async () => {
      const { body } = await api.request('GET', '/api/devices/wrist-thread')
      return body.battery === 0.55 ? body : undefined
    }, 'the status recorded')
    expect(recorded).toMatchObject({ online: true })

    const alerts = await eventually(async () => {
      const { body } = await api.request('GET', '/api/alerts/queue')
      const mine = (body.alerts as Array<{ personId: string; kind: string; summary: string }>).filter((a) => a.personId === personId)
      return mine.length > 0 ? mine : undefined
    }, 'an alert from the low SpO2')
    expect(alerts).toEqual([expect.objectContaining({ kind: 'news2', summary: expect.stringMatching(/SpO2 \(scale 1\) 3/) as string })])

    const metrics = (await api.metrics()).body as string
    expect(metrics).toMatch(/^hearth_readings_written_total 2$/m)
    expect(metrics).toMatch(/^hearth_readings_refused_total\{code="[a-z_]+"\} 1$/m)
    expect(lines).toContainEqual(expect.objectContaining({ component: 'ingest', msg: 'readings refused', deviceId: 'wrist-thread', refused: 1, accepted: 2 }))
    const health = await api.request('GET', '/healthz')
    expect(health.body.components).toEqual(expect.arrayContaining([expect.objectContaining({ component: 'ingest', ok: true })]))

    // Moved to another person, the device's next readings are theirs, though the thread has looked it up before.
    const otherId = await api.createPerson('Katherine Johnson')
    expect((await api.request('PATCH', '/api/devices/wrist-thread', { personId: otherId })).status).toBe(200)
    await device.publishAsync('wellbeing/v1/devices/wrist-thread/readings', JSON.stringify([{ n: 'heart_rate', u: 'beat/min', v: 88 }]), { qos: 1 })
    const moved = await eventually(async () => {
      const { body } = await api.request('GET', `/api/persons/${otherId}`)
      return (body.latest as Array<{ metric: string; value: number }>).find((l) => l.metric === 'heart_rate')
    }, "the reading stored as the other person's")
    expect(moved.value).toBe(88)
    const { body: first } = await api.request('GET', `/api/persons/${personId}`)
    expect((first.latest as Array<{ metric: string; value: number }>).find((l) => l.metric === 'heart_rate')?.value).toBe(71)
    await device.endAsync()
  })
})
