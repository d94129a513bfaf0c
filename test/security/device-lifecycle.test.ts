import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { MqttClient } from 'mqtt'
import type { Alert } from '../../contract/index.js'
import {
  ManualClock,
  connectDevice,
  connectLive,
  eventually,
  nextAlert,
  removeDir,
  signedInUser,
  startTestPlatform,
  tempDir,
  type TestPlatform,
} from '../../harness/test-platform.js'

const T0 = Date.parse('2026-06-15T12:00:00Z')
const MINUTE = 60_000

/** The CONNACK return code the broker refused the device with, or 0 when it let it in. */
async function connackOf(url: string, device: { id: string; secret: string }): Promise<number | undefined> {
  try {
    const client = await connectDevice(url, device, { connectTimeout: 5000 })
    await client.endAsync()
    return 0
  } catch (error) {
    return (error as { code?: number }).code
  }
}

const closed = (client: MqttClient): Promise<void> => new Promise((resolve) => client.once('close', () => resolve()))

/** A QoS 1 status the broker acknowledges: the connection is alive and its device let in. */
const checkIn = (client: MqttClient, id: string): Promise<unknown> => client.publishAsync(`wellbeing/v1/devices/${id}/status`, JSON.stringify({ online: true }), { qos: 1 })

const press = (client: MqttClient, id: string, eventId: string): Promise<unknown> =>
  client.publishAsync(`wellbeing/v1/devices/${id}/events`, JSON.stringify({ id: eventId, type: 'alarm.pressed' }), { qos: 1 })

describe('a device secret rotated, and a device moved to another person', () => {
  const dataDir = tempDir()
  const clock = new ManualClock(T0)
  let t: TestPlatform
  let ada = ''
  let bob = ''
  const open: MqttClient[] = []
  const keep = (client: MqttClient): MqttClient => {
    open.push(client)
    return client
  }

  beforeAll(async () => {
    t = await startTestPlatform(dataDir, {}, clock)
    ada = await t.api.createPerson('Ada Lovelace')
    bob = await t.api.createPerson('Bob Marley')
  })
  afterAll(async () => {
    for (const client of open) client.end(true)
    await t?.close()
    removeDir(dataDir)
  })

  it('with no grace: the old secret is refused at once and its live connection dropped; the new one is shown once and works', async () => {
    const old = await t.api.provision('pendant', ada, 'pendant-rotated')
    const live = keep(await connectDevice(t.mqttUrl, old))
    const dropped = closed(live)

    const answer = await t.api.request('POST', `/api/devices/${old.id}/secret`, {})
    expect(answer.status).toBe(200)
    expect(answer.body).toEqual({ id: old.id, secret: expect.any(String), previousSecretValidUntil: null })
    expect(answer.body.secret).not.toBe(old.secret)
    await dropped

    expect(await connackOf(t.mqttUrl, old)).toBe(4)
    const fresh = keep(await connectDevice(t.mqttUrl, { id: old.id, secret: answer.body.secret }))
    await checkIn(fresh, old.id)

    // Shown once: the device's record never carries a secret; the person's access log says who rotated it.
    expect(JSON.stringify((await t.api.request('GET', `/api/devices/${old.id}`)).body)).not.toContain(answer.body.secret)
    expect(JSON.stringify((await t.api.request('GET', `/api/persons/${ada}/access-log`)).body)).toContain('device.secret-rotated')
  })

  it('with a grace: the old secret and its connections work until the grace ends on the platform clock, then are refused and dropped', async () => {
    clock.set(T0 + MINUTE)
    const hour = await t.api.provision('pendant', ada, 'pendant-hour-grace')
    const halfHour = await t.api.provision('wearable', ada, 'wearable-half-hour-grace')
    const moved = await t.api.provision('door-sensor', ada, 'door-new-secret')
    const beforeRotation = keep(await connectDevice(t.mqttUrl, hour))
    keep(await connectDevice(t.mqttUrl, moved))

    const rotated = await t.api.request('POST', `/api/devices/${hour.id}/secret`, { graceMinutes: 60 })
    expect(rotated.status).toBe(200)
    expect(rotated.body.previousSecretValidUntil).toBe(new Date(T0 + 61 * MINUTE).toISOString())
    const halfRotated = await t.api.request('POST', `/api/devices/${halfHour.id}/secret`, { graceMinutes: 30 })
    const movedRotated = await t.api.request('POST', `/api/devices/${moved.id}/secret`, { graceMinutes: 60 })

    // The grace running: the connection made before keeps working, and the old secret still lets a device in.
    await checkIn(beforeRotation, hour.id)
    const withOldSecret = keep(await connectDevice(t.mqttUrl, halfHour))
    await checkIn(withOldSecret, halfHour.id)
    // A device that took its new secret at once is not dropped when the grace of the old one ends.
    const withNewSecret = keep(await connectDevice(t.mqttUrl, { id: moved.id, secret: movedRotated.body.secret }))

    // Past the half hour: that grace is over, the hour's is not.
    const halfHourOver = closed(withOldSecret)
    clock.set(T0 + 45 * MINUTE)
    await halfHourOver
    expect(await connackOf(t.mqttUrl, halfHour)).toBe(4)
    expect(await connackOf(t.mqttUrl, { id: halfHour.id, secret: halfRotated.body.secret })).toBe(0)
    expect(beforeRotation.connected).toBe(true)
    await checkIn(beforeRotation, hour.id)

    // Past the hour: the connection made before the rotation is dropped, the old secret refused.
    const hourOver = closed(beforeRotation)
    clock.set(T0 + 61 * MINUTE)
    await hourOver
    expect(await connackOf(t.mqttUrl, hour)).toBe(4)
    expect(await connackOf(t.mqttUrl, { id: hour.id, secret: rotated.body.secret })).toBe(0)
    expect(withNewSecret.connected).toBe(true)
    await checkIn(withNewSecret, moved.id)
  })

  it('refuses bad bodies with the field named, and a deprovisioned or unknown device', async () => {
    const { id } = await t.api.provision('pendant', ada, 'pendant-bad-bodies')
    for (const body of [{ graceMinutes: -1 }, { graceMinutes: 'x' }, { graceMinutes: 10_081 }, { graceMinutes: 1.5 }, { grace: 5 }]) {
      const answer = await t.api.request('POST', `/api/devices/${id}/secret`, body)
      expect(answer.status, JSON.stringify(body)).toBe(400)
      expect(answer.body.error.code).toBe('validation_failed')
      expect(answer.body.error.message).toMatch(/grace/)
    }
    const noPerson = await t.api.request('PATCH', `/api/devices/${id}`, {})
    expect(noPerson.status).toBe(400)
    expect(noPerson.body.error).toMatchObject({ code: 'validation_failed', message: expect.stringMatching(/personId/) })
    const unknownPerson = await t.api.request('PATCH', `/api/devices/${id}`, { personId: 'p-nobody' })
    expect(unknownPerson.status).toBe(404)
    expect(unknownPerson.body.error).toMatchObject({ code: 'not_found', message: 'no person p-nobody' })

    expect((await t.api.request('POST', '/api/devices/nothing-1/secret', {})).body.error).toMatchObject({ code: 'not_found', message: 'no device nothing-1' })
    expect((await t.api.request('PATCH', '/api/devices/nothing-1', { personId: bob })).status).toBe(404)
    // Nor to someone archived: out of monitoring, nobody would answer its alarms.
    const moved = await t.api.createPerson('Cyril Moved-Away')
    expect((await t.api.request('POST', `/api/persons/${moved}/archive`, { reason: 'Moved abroad' })).status).toBe(200)
    const toArchived = await t.api.request('PATCH', `/api/devices/${id}`, { personId: moved })
    expect(toArchived.status).toBe(409)
    expect(toArchived.body.error.message).toMatch(/is archived: unarchive them before moving a device to them/)

    expect((await t.api.request('DELETE', `/api/devices/${id}`)).status).toBe(200)
    const retired = await t.api.request('POST', `/api/devices/${id}/secret`, { graceMinutes: 10 })
    expect(retired.status).toBe(409)
    expect(retired.body.error).toMatchObject({ code: 'conflict', message: expect.stringMatching(/was deprovisioned at/) })
    expect((await t.api.request('PATCH', `/api/devices/${id}`, { personId: bob })).status).toBe(409)
  })

  it('lets only those who may provision for the person rotate or move a device: a responder gets 403, another organisation 404', async () => {
    const device = await t.api.provision('pendant', ada, 'pendant-guarded')
    const responder = await signedInUser(t, 'responder-lifecycle', ['responder'])
    expect((await responder.api.request('POST', `/api/devices/${device.id}/secret`, {})).status).toBe(403)
    expect((await responder.api.request('PATCH', `/api/devices/${device.id}`, { personId: bob })).status).toBe(403)

    const other = await t.api.request('POST', '/api/organisations', { name: 'Elsewhere Telecare', kind: 'telecare' })
    const outsider = await signedInUser(t, 'outsider-supervisor', ['supervisor'], other.body.id)
    const rotate = await outsider.api.request('POST', `/api/devices/${device.id}/secret`, {})
    expect(rotate.status).toBe(404)
    expect(rotate.body.error.message).toBe(`no device ${device.id}`)
    expect((await outsider.api.request('PATCH', `/api/devices/${device.id}`, { personId: bob })).status).toBe(404)
    // Their own person is no way in either: the device is not theirs to take.
    const theirs = await outsider.api.createPerson('Carol King')
    expect((await outsider.api.request('PATCH', `/api/devices/${device.id}`, { personId: theirs })).status).toBe(404)

    // A supervisor of the person's own organisation may.
    const supervisor = await signedInUser(t, 'supervisor-lifecycle', ['supervisor'])
    expect((await supervisor.api.request('POST', `/api/devices/${device.id}/secret`, { graceMinutes: 0 })).status).toBe(200)
    expect(await connackOf(t.mqttUrl, device)).toBe(4)
  })

  it("moves a device to another person: its next alarm is theirs, live and in the alerts list, while what it sent before stays the first person's", async () => {
    clock.set(T0 + 70 * MINUTE)
    const device = await t.api.provision('pendant', ada, 'pendant-moved')
    const pendant = keep(await connectDevice(t.mqttUrl, device))
    const live = await connectLive(t.api)
    try {
      const first = nextAlert(live, (a) => a.deviceId === device.id)
      await press(pendant, device.id, 'e-1')
      const adas: Alert = await first
      expect(adas).toMatchObject({ personId: ada, personName: 'Ada Lovelace', kind: 'alarm.pressed' })

      const moved = await t.api.request('PATCH', `/api/devices/${device.id}`, { personId: bob })
      expect(moved.status).toBe(200)
      expect(moved.body).toMatchObject({ id: device.id, personId: bob })

      clock.set(T0 + 71 * MINUTE)
      const second = nextAlert(live, (a) => a.deviceId === device.id && a.id !== adas.id)
      // The same connection, the same secret: only whose device it is has changed.
      await press(pendant, device.id, 'e-2')
      expect(await second).toMatchObject({ personId: bob, personName: 'Bob Marley', kind: 'alarm.pressed' })

      const alerts: Alert[] = (await t.api.request('GET', '/api/alerts?status=open')).body.alerts.filter((a: Alert) => a.deviceId === device.id)
      expect(alerts.map((a) => a.personName).sort()).toEqual(['Ada Lovelace', 'Bob Marley'])
      expect(alerts.find((a) => a.id === adas.id)?.personName).toBe('Ada Lovelace')
    } finally {
      live.disconnect()
    }

    // Each person's timeline has only the press made while the device was theirs.
    const pressesOf = async (personId: string): Promise<string[]> => {
      const { body } = await t.api.request('GET', `/api/persons/${personId}/timeline`)
      return (body.items as Array<{ source: string; type: string; deviceId?: string; at: string }>).filter((i) => i.source === 'event' && i.deviceId === device.id).map((i) => i.at)
    }
    expect(await pressesOf(ada)).toEqual([new Date(T0 + 70 * MINUTE).toISOString()])
    expect(await pressesOf(bob)).toEqual([new Date(T0 + 71 * MINUTE).toISOString()])

    // Readings from now on are Bob's; Ada has none from it after the move.
    await pendant.publishAsync(`wellbeing/v1/devices/${device.id}/readings`, JSON.stringify([{ n: 'heart_rate', u: 'beat/min', v: 71 }]), { qos: 1 })
    const window = `metric=heart_rate&from=${new Date(T0).toISOString()}&to=${new Date(T0 + 2 * 60 * MINUTE).toISOString()}&every=1h`
    const bobs = await eventually(async () => {
      const points = (await t.api.request('GET', `/api/persons/${bob}/readings?${window}`)).body.points as unknown[]
      return points.length > 0 ? points : undefined
    }, "Bob's heart rate")
    expect(bobs).toMatchObject([{ mean: 71, count: 1 }])
    expect((await t.api.request('GET', `/api/persons/${ada}/readings?${window}`)).body.points).toEqual([])

    // Both access logs say the device moved, neither names the other person.
    const adaLog = JSON.stringify((await t.api.request('GET', `/api/persons/${ada}/access-log`)).body)
    const bobLog = JSON.stringify((await t.api.request('GET', `/api/persons/${bob}/access-log`)).body)
    expect(adaLog).toContain('device.moved-away')
    expect(bobLog).toContain('device.moved-in')
    expect(adaLog).not.toContain(bob)
  })
})

describe('a rotated secret across a restart', () => {
  const dataDir = tempDir()
  const clock = new ManualClock(T0)
  let t: TestPlatform | undefined
  let device: MqttClient | undefined

  afterAll(async () => {
    device?.end(true)
    await t?.close()
    removeDir(dataDir)
  })

  it('keeps the grace the rotation gave: the old secret works until it ends, then its connection is dropped and it is refused', async () => {
    t = await startTestPlatform(dataDir, {}, clock)
    const old = await t.api.provision('pendant', await t.api.createPerson('Ada Lovelace'), 'pendant-restarted')
    const rotated = await t.api.request('POST', `/api/devices/${old.id}/secret`, { graceMinutes: 60 })
    expect(rotated.status).toBe(200)
    await t.close()

    clock.set(T0 + 30 * MINUTE)
    t = await startTestPlatform(dataDir, {}, clock)
    device = await connectDevice(t.mqttUrl, old)
    await checkIn(device, old.id)
    const over = closed(device)
    clock.set(T0 + 60 * MINUTE)
    await over
    expect(await connackOf(t.mqttUrl, old)).toBe(4)
    expect(await connackOf(t.mqttUrl, { id: old.id, secret: rotated.body.secret })).toBe(0)
  })
})
