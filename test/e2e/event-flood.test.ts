import type { MqttClient } from 'mqtt'
import type { Socket } from 'socket.io-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Alert, DeviceCommand, DeviceErrorMessage, ServerToClientEvents } from '../../contract/index.js'
import type { RunningPlatform } from '../../platform/start-platform.js'
import { TestApi, connectDevice, connectLive, eventually, nextAlert, nextMessage, removeDir, startLoggedPlatform } from '../../harness/test-platform.js'

const events = (deviceId: string): string => `wellbeing/v1/devices/${deviceId}/events`

/** A pendant stuck pressing (a faulty button, a firmware loop) beside another pendant used as it should be. */
describe('a pendant flooding alarm presses', () => {
  let dir: string
  let platform: RunningPlatform
  let api: TestApi
  let mqttUrl: string
  let live: Socket<ServerToClientEvents> | undefined
  const clients: MqttClient[] = []
  const lines: Array<Record<string, unknown>> = []

  beforeAll(async () => {
    ;({ dataDir: dir, platform, api, mqttUrl } = await startLoggedPlatform(lines))
  })

  afterAll(async () => {
    live?.disconnect()
    for (const client of clients) await client.endAsync()
    await platform.close()
    removeDir(dir)
  })

  it("answers another pendant's alarm while one floods thousands of presses: one alarm with a repeat count and a technical alert for the faulty pendant, refusals on its errors topic, and a bounded log", async () => {
    const ada = await api.createPerson('Ada Lovelace')
    const betty = await api.createPerson('Betty Boothroyd')
    const stuck = await connectDevice(mqttUrl, await api.provision('pendant', ada, 'pendant-stuck'))
    const fine = await connectDevice(mqttUrl, await api.provision('pendant', betty, 'pendant-fine'))
    clients.push(stuck, fine)
    const answers: DeviceErrorMessage[] = []
    stuck.on('message', (topic, payload) => {
      if (topic.endsWith('/errors')) answers.push(JSON.parse(payload.toString()) as DeviceErrorMessage)
    })
    await stuck.subscribeAsync('wellbeing/v1/devices/pendant-stuck/errors', { qos: 0 })
    await fine.subscribeAsync('wellbeing/v1/devices/pendant-fine/commands', { qos: 1 })
    live = await connectLive(api)

    // The stuck pendant presses without pause until the other pendant's call has been answered (and 2,000 times at least).
    const stuckRaised = nextAlert(live, (a) => a.deviceId === 'pendant-stuck' && a.kind === 'alarm.pressed')
    const acknowledged: Array<Promise<unknown>> = []
    let answered = false
    const flooding = (async () => {
      while ((!answered || acknowledged.length < 2000) && acknowledged.length < 20_000) {
        for (let i = 0; i < 250; i++) {
          acknowledged.push(stuck.publishAsync(events('pendant-stuck'), JSON.stringify({ id: `e-${acknowledged.length}`, type: 'alarm.pressed' }), { qos: 1 }))
        }
        await new Promise((resolve) => setImmediate(resolve))
      }
    })()
    await stuckRaised

    const fineRaised = nextAlert(live, (a) => a.deviceId === 'pendant-fine' && a.status === 'raised')
    await fine.publishAsync(events('pendant-fine'), JSON.stringify({ id: 'e-1', type: 'alarm.pressed' }), { qos: 1 })
    const call = await fineRaised
    expect(call).toMatchObject({ personName: 'Betty Boothroyd', kind: 'alarm.pressed', priority: 'emergency', occurrences: 1 })
    const heard = nextMessage(fine, (topic, payload) => (topic.endsWith('/commands') ? (JSON.parse(payload.toString()) as DeviceCommand) : undefined))
    expect((await api.request('POST', `/api/alerts/${call.id}/acknowledge`)).status).toBe(200)
    expect(await heard).toMatchObject({ type: 'alarm.acknowledged', alertId: call.id, text: 'Your call has been answered' })
    answered = true
    await flooding
    // Every press was acknowledged to the pendant: folded or refused, none left for it to send again forever.
    await Promise.all(acknowledged)
    const sent = acknowledged.length
    expect(sent).toBeGreaterThanOrEqual(2000)

    const open = await eventually(async () => {
      const { body } = await api.request('GET', '/api/alerts?status=open')
      const alerts = body.alerts as Alert[]
      return alerts.some((a) => a.kind === 'device.event-flood') ? alerts : undefined
    }, 'a technical alert for the stuck pendant')
    const stuckAlarms = open.filter((a) => a.deviceId === 'pendant-stuck' && a.kind === 'alarm.pressed')
    expect(stuckAlarms).toEqual([expect.objectContaining({ personName: 'Ada Lovelace', status: 'raised', priority: 'emergency' })])
    expect(stuckAlarms[0]?.occurrences).toBeGreaterThan(20)
    expect(stuckAlarms[0]?.occurrences).toBeLessThanOrEqual(sent)
    expect(open.filter((a) => a.kind === 'device.event-flood')).toEqual([
      expect.objectContaining({ deviceId: 'pendant-stuck', personName: 'Ada Lovelace', priority: 'technical', status: 'raised', summary: expect.stringMatching(/^pendant-stuck is sending events faster than its limits/) as string }),
    ])
    expect(open.filter((a) => a.deviceId === 'pendant-fine')).toEqual([expect.objectContaining({ id: call.id, status: 'acknowledged', occurrences: 1 })])

    const said = await eventually(() => {
      const items = answers.flatMap((a) => a.refused)
      return items.some((r) => r.message.includes('refused')) && items.some((r) => r.message.includes('folded')) ? items : undefined
    }, 'the stuck pendant told what was folded and what refused')
    expect(said.every((r) => r.code === 'rate_limited' && r.name === 'alarm.pressed')).toBe(true)
    expect(answers.every((a) => a.topic === 'events')).toBe(true)
    // Far fewer answers than presses: one a second, each covering everything since the last.
    expect(answers.length).toBeLessThan(sent / 50)

    const metrics = (await api.metrics()).body as string
    expect(metrics).toMatch(/^hearth_device_events_limited_total\{action="folded",over="rate"\} [1-9]\d*$/m)
    expect(metrics).toMatch(/^hearth_device_events_limited_total\{action="refused",over="in_flight"\} [1-9]\d*$/m)

    const aboutStuck = lines.filter((l) => l.deviceId === 'pendant-stuck' || String(l.msg).includes('pendant-stuck'))
    expect(aboutStuck.length).toBeGreaterThan(0)
    expect(aboutStuck.length).toBeLessThanOrEqual(40)
    expect(lines.length).toBeLessThan(sent / 10)
  })
})
