import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import mqtt from 'mqtt'
import { TestApi, removeDir, startTestPlatform, tempDir, type TestPlatform } from '../../harness/test-platform.js'

/** Connects as the device; resolves with the client once connected, or rejects with the broker's refusal. */
function connectDevice(url: string, id: string, secret: string): Promise<mqtt.MqttClient> {
  return new Promise((resolve, reject) => {
    const client = mqtt.connect(url, { clientId: id, username: id, password: secret, reconnectPeriod: 0, connectTimeout: 5000 })
    client.once('connect', () => resolve(client))
    client.once('error', (error) => {
      client.end(true)
      reject(error)
    })
  })
}

describe('deprovisioning a device (PROTOCOL §2b DELETE /api/devices/{id})', () => {
  const dataDir = tempDir()
  let t: TestPlatform
  let personId = ''

  beforeAll(async () => {
    t = await startTestPlatform(dataDir)
    personId = await t.api.createPerson('Ada Lovelace')
  })
  afterAll(async () => {
    await t?.close()
    removeDir(dataDir)
  })

  it('drops its connection, and its secret never works again', async () => {
    const { id, secret } = await t.api.provision('pendant', personId, 'pendant-retired')
    const pendant = await connectDevice(t.mqttUrl, id, secret)
    const closed = new Promise<void>((resolve) => pendant.once('close', () => resolve()))

    const answer = await t.api.request('DELETE', `/api/devices/${id}`)
    expect(answer.status).toBe(200)
    expect(answer.body).toMatchObject({ id, personId, deprovisionedAt: expect.stringMatching(/^\d{4}-/) })
    await closed
    pendant.end(true)

    await expect(connectDevice(t.mqttUrl, id, secret)).rejects.toThrow(/Bad username or password/)

    // Out of the lists, its record kept; its id never issued again; deprovisioned once.
    expect((await t.api.request('GET', '/api/devices')).body.devices.map((d: { id: string }) => d.id)).not.toContain(id)
    expect((await t.api.request('GET', `/api/devices/${id}`)).body).toMatchObject({ id, deprovisionedAt: answer.body.deprovisionedAt })
    expect((await t.api.request('POST', '/api/devices', { id, type: 'pendant', personId })).status).toBe(409)
    const again = await t.api.request('DELETE', `/api/devices/${id}`)
    expect(again.status).toBe(409)
    expect(again.body.error.message).toMatch(/was deprovisioned at/)

    // The person's access log says who did it.
    const log = (await t.api.request('GET', `/api/persons/${personId}/access-log`)).body
    expect(JSON.stringify(log)).toContain('device.deprovisioned')
  })

  it('raises no offline alert for a device deprovisioned while connected with a last will', async () => {
    const { id, secret } = await t.api.provision('pendant', personId, 'pendant-handed-back')
    const pendant = await new Promise<mqtt.MqttClient>((resolve, reject) => {
      const client = mqtt.connect(t.mqttUrl, {
        clientId: id,
        username: id,
        password: secret,
        reconnectPeriod: 0,
        will: { topic: `wellbeing/v1/devices/${id}/status`, payload: Buffer.from('{"online":false}'), qos: 1, retain: true },
      })
      client.once('connect', () => resolve(client))
      client.once('error', reject)
    })
    await pendant.publishAsync(`wellbeing/v1/devices/${id}/status`, JSON.stringify({ online: true }), { qos: 1, retain: true })
    const closed = new Promise<void>((resolve) => pendant.once('close', () => resolve()))
    expect((await t.api.request('DELETE', `/api/devices/${id}`)).status).toBe(200)
    await closed
    pendant.end(true)
    // A will would be with alerting well within this; then an alarm of another device goes the same way.
    await new Promise((resolve) => setTimeout(resolve, 1500))
    const other = await t.api.provision('pendant', personId, 'pendant-witness')
    const witness = await connectDevice(t.mqttUrl, other.id, other.secret)
    await witness.publishAsync(`wellbeing/v1/devices/${other.id}/events`, JSON.stringify({ id: 'witness-1', type: 'alarm.pressed' }), { qos: 1 })
    let alerts: Array<{ deviceId: string; kind: string }> = []
    for (let i = 0; i < 50 && !alerts.some((a) => a.deviceId === other.id); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100))
      alerts = (await t.api.request('GET', '/api/alerts?status=all')).body.alerts
    }
    expect(alerts.map((a) => a.deviceId)).toContain(other.id)
    expect(alerts.filter((a) => a.deviceId === id)).toEqual([])
    witness.end(true)
  })

  it('leaves a device alone for someone who may not provision, and answers 404 for one it does not know', async () => {
    const { id, secret } = await t.api.provision('wearable', personId, 'wearable-kept')
    const me = (await t.api.request('GET', '/api/auth/me')).body
    const made = await t.api.request('POST', '/api/users', { username: 'responder-1', password: 'responder-password-1', organisationId: me.user.organisationId, roles: ['responder'] })
    expect(made.status).toBe(201)
    const responder = new TestApi(t.httpUrl)
    await responder.login('responder-1', 'responder-password-1')
    expect((await responder.request('DELETE', `/api/devices/${id}`)).status).toBe(403)
    expect((await t.api.request('DELETE', '/api/devices/nothing-1')).status).toBe(404)

    const wearable = await connectDevice(t.mqttUrl, id, secret)
    expect(wearable.connected).toBe(true)
    wearable.end(true)
  })
})
