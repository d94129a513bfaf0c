import { afterAll, describe, expect, it } from 'vitest'
import type { MqttClient } from 'mqtt'
import type { Socket } from 'socket.io-client'
import { AlertSchema, type DeviceCommand, type ServerToClientEvents } from '../../contract/index.js'
import { VirtualHome } from '../../simulators/virtual-home.js'
import { ApiClient } from '../../simulators/api-client.js'
import {
  ADMIN_PASSWORD,
  connectDevice,
  connectLive,
  nextAlert,
  nextMessage,
  removeDir,
  startTestPlatform,
  tempDir,
  type TestPlatform,
} from '../../harness/test-platform.js'

describe('alarm to responder, end to end', () => {
  const dataDir = tempDir()
  let t: TestPlatform | undefined
  let live: Socket<ServerToClientEvents> | undefined
  let home: VirtualHome | undefined

  afterAll(async () => {
    live?.disconnect()
    await home?.stop()
    await t?.close()
    removeDir(dataDir)
  })

  it('takes a simulated pendant press to the live dashboard, the acknowledgement back to the pendant, and keeps it all across a restart', async () => {
    t = await startTestPlatform(dataDir)
    const api = new ApiClient(t.httpUrl)
    await api.login('admin', ADMIN_PASSWORD)
    home = await VirtualHome.provision(api, 'Edith Cavell', { mqttUrl: t.mqttUrl, reportSeconds: 3600, seed: 7, log: () => undefined })
    await home.start()
    const pendant = home.devices.pendant
    const commands: DeviceCommand[] = []
    pendant.on('command', (c) => commands.push(c))
    live = await connectLive(t.api)

    const raisedSeen = nextAlert(live, (a) => a.status === 'raised')
    await home.press()
    const raised = await raisedSeen
    // What the live feed sends is the alert object of PROTOCOL §2.
    expect(AlertSchema.safeParse(raised).error).toBeUndefined()
    expect(raised).toMatchObject({ personName: 'Edith Cavell', personId: home.personId, deviceId: pendant.id, kind: 'alarm.pressed', priority: 'emergency', occurrences: 1, escalationLevel: 0 })

    const answered = new Promise<DeviceCommand>((resolve) => pendant.once('command', resolve))
    const ackSeen = nextAlert(live, (a) => a.id === raised.id && a.status === 'acknowledged')
    const ack = await t.api.request('POST', `/api/alerts/${raised.id}/acknowledge`)
    expect(ack.status).toBe(200)
    expect(await answered).toMatchObject({ type: 'alarm.acknowledged', alertId: raised.id, text: 'Your call has been answered' })
    expect((await ackSeen).acknowledgedBy).toBe('admin')

    const resolvedSeen = nextAlert(live, (a) => a.id === raised.id && a.status === 'resolved')
    const resolvedHeard = new Promise<DeviceCommand>((resolve) => pendant.on('command', (c) => c.type === 'alarm.resolved' && resolve(c)))
    const resolved = await t.api.request('POST', `/api/alerts/${raised.id}/resolve`, { outcome: 'resolved-by-phone', note: 'pressed by accident' })
    expect(resolved.status).toBe(200)
    expect(await resolvedSeen).toMatchObject({ outcome: 'resolved-by-phone', note: 'pressed by accident', resolvedBy: 'admin' })
    // The pendant hears that its call is closed before the home goes quiet.
    expect(await resolvedHeard).toMatchObject({ type: 'alarm.resolved', alertId: raised.id })
    expect((await t.api.request('GET', '/api/alerts?status=open')).body.alerts).toEqual([])

    await home.stop()
    home = undefined
    live.disconnect()
    await t.close()
    t = await startTestPlatform(dataDir)
    const { body } = await t.api.request('GET', `/api/alerts/${raised.id}`)
    expect(body).toMatchObject({ status: 'resolved', outcome: 'resolved-by-phone', acknowledgedBy: 'admin', personName: 'Edith Cavell' })
    expect(body.history.map((h: { action: string }) => h.action)).toEqual(['raised', 'acknowledged', 'resolved'])
    expect(commands.map((c) => c.type)).toEqual(['alarm.acknowledged', 'alarm.resolved'])
  })

  it('accepts a device over MQTT on WebSocket at /mqtt', async () => {
    const platform = t ?? (await startTestPlatform(dataDir))
    t = platform
    const personId = await platform.api.createPerson('Joan Clarke')
    const device = await platform.api.provision('pendant', personId, 'cord-ws-1')
    const socket = await connectLive(platform.api)
    const seen = nextAlert(socket, (a) => a.deviceId === 'cord-ws-1')
    const client: MqttClient = await connectDevice(platform.httpUrl.replace('http', 'ws') + '/mqtt', device)
    await client.subscribeAsync('wellbeing/v1/devices/cord-ws-1/commands', { qos: 1 })
    await client.publishAsync('wellbeing/v1/devices/cord-ws-1/events', JSON.stringify({ id: 'e-ws', type: 'alarm.pressed' }), { qos: 1 })
    const alert = await seen
    expect(alert).toMatchObject({ personName: 'Joan Clarke', kind: 'alarm.pressed' })
    const command = nextMessage(client, (topic, payload) => (topic.endsWith('/commands') ? (JSON.parse(payload.toString()) as DeviceCommand) : undefined))
    await platform.api.request('POST', `/api/alerts/${alert.id}/acknowledge`)
    expect((await command).type).toBe('alarm.acknowledged')
    socket.disconnect()
    await client.endAsync()
  })
})
