import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { MqttClient } from 'mqtt'
import { startInfluxd, type Influxd } from '../../harness/influxd.js'
import { connectDevice, eventually, nextMessage, removeDir, startTestPlatform, type TestPlatform } from '../../harness/test-platform.js'

const READINGS = 'wellbeing/v1/devices/wrist-1/readings'

describe('ingest', () => {
  let t: TestPlatform
  let personId: string
  let wrist: MqttClient

  beforeAll(async () => {
    t = await startTestPlatform()
    personId = await t.api.createPerson('Grace Hopper')
    const device = await t.api.provision('wearable', personId, 'wrist-1')
    wrist = await connectDevice(t.mqttUrl, device)
    await wrist.subscribeAsync('wellbeing/v1/devices/wrist-1/errors', { qos: 0 })
  })

  afterAll(async () => {
    await wrist.endAsync()
    await t.close()
    removeDir(t.dataDir)
  })

  const series = async (metric: string) => {
    const from = new Date(Date.now() - 3_600_000).toISOString()
    const to = new Date(Date.now() + 60_000).toISOString()
    const { body } = await t.api.request('GET', `/api/persons/${personId}/readings?metric=${metric}&from=${from}&to=${to}&every=1h`)
    return body as { points: Array<{ mean: number; count: number }> }
  }

  it('stores the good records of a pack and tells the device why the others were refused', async () => {
    const errors = nextMessage(wrist, (topic, payload) => (topic.endsWith('/errors') ? (JSON.parse(payload.toString()) as Record<string, unknown>) : undefined))
    const now = Date.now() / 1000
    await wrist.publishAsync(
      READINGS,
      JSON.stringify([
        { bn: 'urn:dev:hearth:wrist-1:', bt: now, n: 'heart_rate', u: 'beat/min', v: 72 },
        { n: 'spo2', u: '%', v: 140 },
        { n: 'heart_rate', u: 'beat/min', v: 74, t: -1 },
        { n: 'blood_sugar', u: 'mmol/L', v: 5 },
      ]),
      { qos: 1 },
    )
    expect(await errors).toMatchObject({
      topic: 'readings',
      accepted: 2,
      refused: [
        { index: 1, name: 'spo2', code: 'out_of_range', message: 'spo2 140 % is outside 50 to 100' },
        { index: 3, name: 'blood_sugar', code: 'unknown_metric' },
      ],
    })
    const heart = await eventually(async () => {
      const s = await series('heart_rate')
      return s.points.length > 0 ? s : undefined
    }, 'heart rate stored')
    expect(heart.points).toEqual([expect.objectContaining({ count: 2, mean: 73 })])
    expect((await series('spo2')).points).toEqual([])
  })

  it("refuses readings dated far ahead, out of the range of dates, or before 2000 with bad_time, and the person's page keeps working", async () => {
    const errors = nextMessage(wrist, (topic, payload) => (topic.endsWith('/errors') ? (JSON.parse(payload.toString()) as Record<string, unknown>) : undefined))
    await wrist.publishAsync(
      READINGS,
      JSON.stringify([
        { bt: 1e13, n: 'ambient_temperature', u: 'Cel', v: 20 },
        { bt: Date.UTC(2100, 0, 1) / 1000, n: 'ambient_temperature', u: 'Cel', v: 21 },
        { bt: Date.UTC(1999, 0, 1) / 1000, n: 'ambient_temperature', u: 'Cel', v: 22 },
        { bt: Date.now() / 1000, n: 'ambient_temperature', u: 'Cel', v: 19.5 },
      ]),
      { qos: 1 },
    )
    expect(await errors).toMatchObject({
      topic: 'readings',
      accepted: 1,
      refused: [
        { index: 0, code: 'bad_time' },
        { index: 1, code: 'bad_time' },
        { index: 2, code: 'bad_time' },
      ],
    })
    const person = await eventually(async () => {
      const { status, body } = await t.api.request('GET', `/api/persons/${personId}`)
      const latest = (body as { latest?: Array<{ metric: string; value: number }> }).latest ?? []
      return status === 200 && latest.some((r) => r.metric === 'ambient_temperature') ? latest : undefined
    }, 'the latest room temperature')
    expect(person.find((r) => r.metric === 'ambient_temperature')?.value).toBe(19.5)
  })

  it('refuses a bucket width no number can hold', async () => {
    const from = new Date(Date.now() - 3_600_000).toISOString()
    const to = new Date().toISOString()
    const { status, body } = await t.api.request('GET', `/api/persons/${personId}/readings?metric=steps&from=${from}&to=${to}&every=${'9'.repeat(400)}d`)
    expect(status).toBe(400)
    expect((body as { error: { problems: Array<{ field: string }> } }).error.problems.map((p) => p.field)).toEqual(['every'])
  })

  it('refuses a payload that is not JSON as a whole and keeps accepting the next one', async () => {
    const errors = nextMessage(wrist, (topic, payload) => (topic.endsWith('/errors') ? (JSON.parse(payload.toString()) as Record<string, unknown>) : undefined))
    await wrist.publishAsync(READINGS, '{"n": "heart_rate", oops', { qos: 1 })
    expect(await errors).toMatchObject({ topic: 'readings', accepted: 0, refused: [{ index: -1, code: 'not_json' }] })
    await wrist.publishAsync(READINGS, JSON.stringify([{ n: 'body_temperature', u: 'Cel', v: 36.8 }]), { qos: 1 })
    const temperature = await eventually(async () => {
      const s = await series('body_temperature')
      return s.points.length > 0 ? s : undefined
    }, 'temperature stored')
    expect(temperature.points[0]?.mean).toBe(36.8)
  })

  it("keeps a device's battery, online state and last seen from its status", async () => {
    await wrist.publishAsync('wellbeing/v1/devices/wrist-1/status', JSON.stringify({ online: true, battery: 0.42, firmware: '2.0.1' }), { qos: 1, retain: true })
    const device = await eventually(async () => {
      const { body } = await t.api.request('GET', '/api/devices/wrist-1')
      return (body as { battery: number | null }).battery === 0.42 ? (body as Record<string, unknown>) : undefined
    }, 'status recorded')
    expect(device).toMatchObject({ online: true, battery: 0.42, personId })
    expect(Date.parse(device.lastSeenAt as string)).toBeGreaterThan(Date.now() - 60_000)
  })

  it('marks a device offline when its will arrives', async () => {
    const other = await t.api.provision('pendant', personId, 'pendant-will')
    const pendant = await connectDevice(t.mqttUrl, other, {
      will: { topic: 'wellbeing/v1/devices/pendant-will/status', payload: Buffer.from('{"online":false}'), qos: 1, retain: true },
    })
    await pendant.publishAsync('wellbeing/v1/devices/pendant-will/status', '{"online":true}', { qos: 1, retain: true })
    await eventually(async () => ((await t.api.request('GET', '/api/devices/pendant-will')).body.online === true ? true : undefined), 'online')
    pendant.stream.destroy()
    const offline = await eventually(async () => {
      const { body } = await t.api.request('GET', '/api/devices/pendant-will')
      return body.online === false ? body : undefined
    }, 'will processed')
    expect(offline.online).toBe(false)
    pendant.end(true)
  })
})

describe.each(['embedded', 'influxdb'] as const)('packs with no time of their own, received within a millisecond (%s store)', (store) => {
  let t: TestPlatform
  let influxd: Influxd | undefined
  let personId: string
  let wrist: MqttClient

  beforeAll(async () => {
    influxd = store === 'influxdb' ? await startInfluxd() : undefined
    t = await startTestPlatform(undefined, influxd ? { HEARTH_INFLUX_URL: influxd.url, HEARTH_INFLUX_DATABASE: 'hearth_burst' } : {})
    personId = await t.api.createPerson('Ada Lovelace')
    wrist = await connectDevice(t.mqttUrl, await t.api.provision('wearable', personId, 'wrist-burst'))
  })

  afterAll(async () => {
    await wrist.endAsync()
    await t.close()
    await influxd?.destroy()
    removeDir(t.dataDir)
  })

  it('stores every one, and the last one sent is the latest', async () => {
    // Sent in one go: most of them reach ingest in the same millisecond.
    const values = Array.from({ length: 60 }, (_, i) => 10 + (i % 25))
    values.push(33)
    for (const v of values) wrist.publish('wellbeing/v1/devices/wrist-burst/readings', JSON.stringify([{ n: 'respiratory_rate', u: '1/min', v }]), { qos: 0 })
    const from = new Date(Date.now() - 3_600_000).toISOString()
    const to = new Date(Date.now() + 3_600_000).toISOString()
    const stored = await eventually(async () => {
      const { body } = await t.api.request('GET', `/api/persons/${personId}/readings?metric=respiratory_rate&from=${from}&to=${to}&every=1h`)
      const count = (body.points as Array<{ count: number }>).reduce((sum, p) => sum + p.count, 0)
      return count >= values.length ? count : undefined
    }, `all ${values.length} readings stored`)
    expect(stored).toBe(values.length)
    const { body } = await t.api.request('GET', `/api/persons/${personId}`)
    expect(body.latest).toEqual([expect.objectContaining({ metric: 'respiratory_rate', value: 33 })])
  })
})
