import Database from 'better-sqlite3'
import mqtt, { type MqttClient } from 'mqtt'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { Alert, DeviceCommand } from '../../contract/index.js'
import { eventually, removeDir, startTestPlatform, tempDir, type TestPlatform } from '../../harness/test-platform.js'

const COMMANDS = 'wellbeing/v1/devices/pendant-away/commands'
const EVENTS = 'wellbeing/v1/devices/pendant-away/events'

/**
 * "Your call has been answered" reaches a pendant that was away when the responder answered,
 * even when the platform restarted meanwhile: a command counts as delivered only once the
 * pendant's session acknowledged it, and is sent again (same id) when the pendant subscribes.
 */
describe('commands to a device that is away', { timeout: 60_000 }, () => {
  const dataDir = tempDir()
  let t: TestPlatform | undefined
  let device = { id: 'pendant-away', secret: '' }
  const clients: MqttClient[] = []

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync()))
    await t?.close()
    removeDir(dataDir)
  })

  /** Connects as the pendant (a persistent session), hearing its commands from the first packet. */
  const connect = async (): Promise<{ client: MqttClient; heard: DeviceCommand[] }> => {
    // Listening before CONNACK: the broker's thread sends what the session holds right after it.
    const client = mqtt.connect((t as TestPlatform).mqttUrl, { clientId: device.id, username: device.id, password: device.secret, clean: false, reconnectPeriod: 0 })
    clients.push(client)
    const heard: DeviceCommand[] = []
    client.on('message', (topic, payload) => {
      if (topic === COMMANDS) heard.push(JSON.parse(payload.toString()) as DeviceCommand)
    })
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve())
      client.once('error', reject)
    })
    await client.subscribeAsync(COMMANDS, { qos: 1 })
    return { client, heard }
  }

  const restart = async (): Promise<TestPlatform> => {
    await (t as TestPlatform).close()
    t = await startTestPlatform(dataDir)
    return t
  }

  const delivered = (): Array<{ id: string; delivered: number | null }> => {
    const db = new Database(join(dataDir, 'hearth.db'), { readonly: true })
    try {
      return db.prepare("SELECT id, delivered_at AS delivered FROM device_commands WHERE device_id = 'pendant-away' ORDER BY created_at").all() as Array<{ id: string; delivered: number | null }>
    } finally {
      db.close()
    }
  }

  it('delivers the acknowledgement after a restart, once, and counts it delivered only when the pendant has it', async () => {
    t = await startTestPlatform(dataDir)
    const personId = await t.api.createPerson('Ada Away')
    device = await t.api.provision('pendant', personId, 'pendant-away')
    const first = await connect()
    await first.client.publishAsync(EVENTS, JSON.stringify({ id: 'e-away-1', type: 'alarm.pressed', data: {} }), { qos: 1 })
    const alert = await eventually(async () => ((await t?.api.request('GET', '/api/alerts/queue'))?.body.alerts as Alert[] | undefined)?.[0], 'the alarm')
    await first.client.endAsync()

    // Answered while the pendant is away: the broker takes the command, the pendant has not.
    expect((await t.api.request('POST', `/api/alerts/${alert.id}/acknowledge`)).status).toBe(200)
    await eventually(() => (delivered().length === 1 ? true : undefined), 'the command in the outbox')
    expect(delivered()[0]?.delivered).toBeNull()

    await restart()
    const back = await connect()
    const heard = await eventually(() => back.heard[0], 'the acknowledgement on the pendant')
    expect(heard).toMatchObject({ type: 'alarm.acknowledged', alertId: alert.id, text: 'Your call has been answered', id: delivered()[0]?.id })
    await eventually(() => (delivered()[0]?.delivered !== null ? true : undefined), 'the command marked delivered')

    // Delivered once: after another restart the next thing the pendant hears is the resolution, not the acknowledgement again.
    await back.client.endAsync()
    const platform = await restart()
    const again = await connect()
    expect((await platform.api.request('POST', `/api/alerts/${alert.id}/resolve`, { outcome: 'resolved-by-phone' })).status).toBe(200)
    const next = await eventually(() => again.heard[0], 'the resolution on the pendant')
    expect(next.type).toBe('alarm.resolved')
    expect(again.heard.map((c) => c.type)).toEqual(['alarm.resolved'])
  })

  it('leaves to the session what it still holds: a pendant back without a restart hears each command once', async () => {
    const api = t as TestPlatform
    const first = await connect()
    await first.client.publishAsync(EVENTS, JSON.stringify({ id: 'e-away-2', type: 'alarm.pressed', data: {} }), { qos: 1 })
    const alert = await eventually(async () => ((await api.api.request('GET', '/api/alerts/queue')).body.alerts as Alert[])[0], 'the second alarm')
    await first.client.endAsync()
    expect((await api.api.request('POST', `/api/alerts/${alert.id}/acknowledge`)).status).toBe(200)
    await eventually(() => (delivered().some((c) => c.delivered === null) ? true : undefined), 'the command waiting in the session')
    const back = await connect()
    await eventually(() => back.heard[0], 'the acknowledgement')
    expect((await api.api.request('POST', `/api/alerts/${alert.id}/resolve`, { outcome: 'false-alarm' })).status).toBe(200)
    await eventually(() => (back.heard.length >= 2 ? true : undefined), 'the resolution')
    expect(back.heard.map((c) => c.type)).toEqual(['alarm.acknowledged', 'alarm.resolved'])
    await eventually(() => (delivered().every((c) => c.delivered !== null) ? true : undefined), 'every command delivered')
  })
})
