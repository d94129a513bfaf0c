import { afterEach, describe, expect, it } from 'vitest'
import type { Socket } from 'socket.io-client'
import type { Alert, ServerToClientEvents } from '../../contract/index.js'
import { VirtualDevice } from '../../simulators/virtual-device.js'
import {
  ManualClock,
  connectLive,
  eventually,
  nextAlert,
  removeDir,
  startTestPlatform,
  tempDir,
  type TestPlatform,
} from '../../harness/test-platform.js'

const T0 = Date.parse('2026-06-15T12:00:00Z')
const S = 1000

/** Alerts nobody answers, on a platform clock the test moves; deadlines kept across a restart. */
describe('escalation when nobody answers', () => {
  const dataDir = tempDir()
  let t: TestPlatform | undefined
  let live: Socket<ServerToClientEvents> | undefined
  let pendant: VirtualDevice | undefined
  let heard: string[] = []

  afterEach(async () => {
    live?.disconnect()
    await pendant?.close()
    await t?.close()
    t = undefined
    removeDir(dataDir)
  })

  const alertById = async (id: string): Promise<Alert & { history: Array<{ action: string; at: string; detail: string | null }> }> => {
    const { body } = await (t as TestPlatform).api.request('GET', `/api/alerts/${id}`)
    return body
  }

  const press = async (platform: TestPlatform): Promise<Alert> => {
    const personId = await platform.api.createPerson('Harold Wilson')
    pendant = new VirtualDevice(await platform.api.provision('pendant', personId, 'pendant-1'), platform.mqttUrl)
    heard = []
    pendant.on('command', (c) => heard.push(`${c.type}: ${c.text ?? ''}`))
    await pendant.connect()
    live = await connectLive(platform.api)
    const raised = nextAlert(live, (a) => a.kind === 'alarm.pressed')
    await pendant.event('alarm.pressed')
    return raised
  }

  it('escalates an unacknowledged emergency at 60 s and every 30 s after, pushing each escalation live, and at once after a restart', async () => {
    const clock = new ManualClock(T0)
    t = await startTestPlatform(dataDir, {}, clock)
    const alert = await press(t)
    expect(alert).toMatchObject({ escalationLevel: 0, nextEscalationAt: new Date(T0 + 60 * S).toISOString() })

    clock.set(T0 + 59_999)
    t.platform.tick()
    expect((await alertById(alert.id)).escalationLevel).toBe(0)

    const first = nextAlert(live as Socket<ServerToClientEvents>, (a) => a.id === alert.id && a.escalationLevel === 1)
    clock.set(T0 + 60 * S)
    t.platform.tick()
    expect(await first).toMatchObject({ status: 'raised', escalationLevel: 1, nextEscalationAt: new Date(T0 + 90 * S).toISOString() })

    clock.set(T0 + 89 * S)
    t.platform.tick()
    expect((await alertById(alert.id)).escalationLevel).toBe(1)
    clock.set(T0 + 90 * S)
    t.platform.tick()
    expect((await alertById(alert.id)).escalationLevel).toBe(2)

    // Down at 100 s, back at 300 s: the deadline (120 s) was missed while it was down.
    live?.disconnect()
    await pendant?.close()
    pendant = undefined
    await t.close()
    const later = new ManualClock(T0 + 300 * S)
    t = await startTestPlatform(dataDir, {}, later)
    const after = await alertById(alert.id)
    expect(after).toMatchObject({ status: 'raised', escalationLevel: 3, nextEscalationAt: new Date(T0 + 330 * S).toISOString() })
    expect(after.history.filter((h) => h.action === 'escalated').map((h) => [h.at, h.detail])).toEqual([
      [new Date(T0 + 60 * S).toISOString(), 'not acknowledged after 60 s; escalation level 1'],
      [new Date(T0 + 90 * S).toISOString(), 'not acknowledged after 90 s; escalation level 2'],
      [new Date(T0 + 300 * S).toISOString(), 'not acknowledged after 5 min; escalation level 3'],
    ])
  })

  it('puts an acknowledged emergency back in the queue when it is not resolved within 30 minutes', async () => {
    const clock = new ManualClock(T0)
    t = await startTestPlatform(dataDir, {}, clock)
    const alert = await press(t)
    clock.set(T0 + 20 * S)
    const acked = await t.api.request('POST', `/api/alerts/${alert.id}/acknowledge`)
    expect(acked.body).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'admin', nextEscalationAt: new Date(T0 + 20 * S + 30 * 60 * S).toISOString() })

    clock.set(T0 + 20 * S + 30 * 60 * S - 1)
    t.platform.tick()
    expect((await alertById(alert.id)).status).toBe('acknowledged')
    const back = nextAlert(live as Socket<ServerToClientEvents>, (a) => a.id === alert.id && a.reraisedCount === 1)
    clock.set(T0 + 20 * S + 30 * 60 * S)
    t.platform.tick()
    expect(await back).toMatchObject({ status: 'raised', acknowledgedBy: null, reraisedCount: 1, escalationLevel: 0 })
    const history = (await alertById(alert.id)).history.map((h) => h.action)
    expect(history).toEqual(['raised', 'acknowledged', 'reraised'])

    // Someone takes it again: the pendant hears it a second time.
    const again = await t.api.request('POST', `/api/alerts/${alert.id}/acknowledge`)
    expect(again).toMatchObject({ status: 200, body: { status: 'acknowledged' } })
    await eventually(() => (heard.length >= 2 ? true : undefined), 'the second acknowledgement at the pendant')
    expect(heard).toEqual(['alarm.acknowledged: Your call has been answered', 'alarm.acknowledged: Your call has been answered'])
  })
})
