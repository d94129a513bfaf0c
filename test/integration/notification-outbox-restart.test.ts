import { afterAll, describe, expect, it } from 'vitest'
import { killed, spawnPlatform, type PlatformProcess } from '../../harness/platform-process.js'
import { TestApi, connectDevice, eventually, removeDir, tempDir } from '../../harness/test-platform.js'
import { freePort, startWebhookReceiver, verifiedPayload, type WebhookReceiver } from '../helpers/webhook-receiver.js'

/** Failed deliveries tried again every half second, not after 5 s, 30 s, … */
const QUICK_RETRIES = { HEARTH_NOTIFICATION_RETRY_SECONDS: '0.5' }

const webhookOf = async (api: TestApi, id: string): Promise<any> => ((await api.request('GET', '/api/webhooks')).body.webhooks as any[]).find((w) => w.id === id)

describe('the notification outbox across a crash', () => {
  const dataDir = tempDir()
  let running: PlatformProcess | undefined
  let receiver: WebhookReceiver | undefined

  afterAll(async () => {
    if (running) await killed(running.child, 'SIGTERM')
    await receiver?.close()
    removeDir(dataDir)
  })

  it('delivers a webhook queued while its receiver was down once, after the platform is killed and started again', async () => {
    const port = await freePort()
    running = await spawnPlatform(dataDir, { env: QUICK_RETRIES })
    const api = new TestApi(running.httpUrl)
    await api.login()
    const made = await api.request('POST', '/api/webhooks', { url: `http://127.0.0.1:${port}/hearth-hook`, events: ['alert.raised'] })
    expect(made.status).toBe(201)
    const { id: webhookId, secret } = made.body as { id: string; secret: string }
    const personId = await api.createPerson('Grace Hopper')
    const device = await api.provision('pendant', personId, 'pendant-outbox')
    const pendant = await connectDevice(running.mqttUrl, device)
    await pendant.publishAsync('wellbeing/v1/devices/pendant-outbox/events', JSON.stringify({ id: 'e-1', type: 'alarm.pressed' }), { qos: 1 })

    // Nobody listens: the delivery fails and waits in the outbox to be tried again.
    const failing = await eventually(async () => {
      const last = (await webhookOf(api, webhookId)).lastDelivery
      return last?.outcome === 'retrying' ? last : undefined
    }, 'a failed delivery attempt')
    expect(failing).toMatchObject({ outcome: 'retrying', httpStatus: null, error: 'ECONNREFUSED' })
    await killed(running.child, 'SIGKILL')
    pendant.end(true)

    running = await spawnPlatform(dataDir, { env: QUICK_RETRIES })
    const after = new TestApi(running.httpUrl)
    await after.login()
    receiver = await startWebhookReceiver(() => 200, port)
    await eventually(async () => ((await webhookOf(after, webhookId)).lastDelivery?.outcome === 'delivered' ? true : undefined), 'the delivery after the restart')

    // Standard Webhooks promises at-least-once with one id per message; none was in flight at the
    // kill (nothing listened), so this one arrived exactly once, and verifies.
    expect(receiver.received).toHaveLength(1)
    expect(verifiedPayload(secret, receiver.received[0]!)).toMatchObject({ type: 'alert.raised', data: { alert: { personId, deviceId: 'pendant-outbox', kind: 'alarm.pressed' } } })
    const metrics = await after.metrics()
    expect(metrics.body).toMatch(/hearth_notifications_pending 0\b/)
    expect(metrics.body).toMatch(/hearth_notifications_delivered_total\{channel="webhook"\} 1\b/)
  })

  it('tells a press made just before a kill once, whether it went out before the kill or after the restart', async () => {
    if (!running || !receiver) throw new Error('platform is not running')
    const api = new TestApi(running.httpUrl)
    await api.login()
    const personId = await api.createPerson('Alan Turing')
    const device = await api.provision('pendant', personId, 'pendant-killed')
    const pendant = await connectDevice(running.mqttUrl, device)
    await pendant.publishAsync('wellbeing/v1/devices/pendant-killed/events', JSON.stringify({ id: 'e-1', type: 'alarm.pressed' }), { qos: 1 })
    // PUBACK is in: killed at once, before anything was sent, perhaps before the alert was raised.
    await killed(running.child, 'SIGKILL')
    pendant.end(true)

    running = await spawnPlatform(dataDir, { env: QUICK_RETRIES })
    const aboutTuring = (): Array<{ id: string }> => receiver!.received.filter((r) => JSON.parse(r.body).data.alert.personId === personId)
    await eventually(() => (aboutTuring().length > 0 ? true : undefined), 'the webhook about the press')
    const after = new TestApi(running.httpUrl)
    await after.login()
    await expect.poll(async () => (await after.metrics()).body).toMatch(/hearth_notifications_pending 0\b/)
    expect(new Set(aboutTuring().map((r) => r.id)).size).toBe(1)
  })
})
