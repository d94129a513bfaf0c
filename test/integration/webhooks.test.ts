import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { MqttClient } from 'mqtt'
import { AlertSchema } from '../../contract/index.js'
import { ManualClock, connectDevice, removeDir, signedInUser, startTestPlatform, tempDir, type TestApi, type TestPlatform } from '../../harness/test-platform.js'
import { startWebhookReceiver, verifiedPayload, type WebhookReceiver } from '../helpers/webhook-receiver.js'

const ALL_EVENTS = ['alert.raised', 'alert.acknowledged', 'alert.resolved', 'alert.escalated']

/** A person with a pendant connected as PROTOCOL §1 has it, and a way to press it. */
async function personWithPendant(t: TestPlatform, name: string): Promise<{ personId: string; deviceId: string; pendant: MqttClient; press(): Promise<void> }> {
  const personId = await t.api.createPerson(name)
  const device = await t.api.provision('pendant', personId)
  const pendant = await connectDevice(t.mqttUrl, device)
  let n = 0
  const press = async (): Promise<void> => {
    n += 1
    await pendant.publishAsync(`wellbeing/v1/devices/${device.id}/events`, JSON.stringify({ id: `e-${n}`, type: 'alarm.pressed', ts: Date.now() / 1000 }), { qos: 1 })
  }
  return { personId, deviceId: device.id, pendant, press }
}

async function register(api: TestApi, url: string, events: string[]): Promise<{ id: string; secret: string }> {
  const made = await api.request('POST', '/api/webhooks', { url, events })
  expect(made.status).toBe(201)
  return made.body
}

const webhookOf = async (api: TestApi, id: string): Promise<any> => ((await api.request('GET', '/api/webhooks')).body.webhooks as any[]).find((w) => w.id === id)

describe('webhooks (PROTOCOL §2c)', () => {
  const dataDir = tempDir()
  let t: TestPlatform
  const receivers: WebhookReceiver[] = []
  const pendants: MqttClient[] = []
  const receiver = async (answer?: (n: number) => number): Promise<WebhookReceiver> => {
    const started = await startWebhookReceiver(answer)
    receivers.push(started)
    return started
  }

  beforeAll(async () => {
    // Failed deliveries are tried again after a fifth of a second rather than 5 s, 30 s, …
    t = await startTestPlatform(dataDir, { HEARTH_NOTIFICATION_RETRY_SECONDS: '0.2' })
  })
  afterAll(async () => {
    for (const pendant of pendants) await pendant.endAsync()
    await t?.close()
    for (const r of receivers) await r.close()
    removeDir(dataDir)
  })

  it('signs and delivers alert.raised, alert.acknowledged and alert.resolved as a receiver verifies them', async () => {
    const hook = await receiver()
    const { id, secret } = await register(t.api, hook.url, ALL_EVENTS)
    // Standard Webhooks: whsec_ and the base64 of the key, 32 random bytes.
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/)
    expect(Buffer.from(secret.slice('whsec_'.length), 'base64')).toHaveLength(32)

    const ada = await personWithPendant(t, 'Ada Lovelace')
    pendants.push(ada.pendant)
    await ada.press()
    await expect.poll(() => hook.received.length, { timeout: 10_000 }).toBe(1)
    const raised = verifiedPayload(secret, hook.received[0]!)
    expect(raised).toMatchObject({ type: 'alert.raised', data: { alert: { personId: ada.personId, deviceId: ada.deviceId, kind: 'alarm.pressed', priority: 'emergency', status: 'raised', escalationLevel: 0 } } })
    expect(Date.parse(raised.timestamp)).not.toBeNaN()
    // The alert object of PROTOCOL §2, whole.
    expect(AlertSchema.safeParse(raised.data.alert).error).toBeUndefined()
    const alertId = raised.data.alert.id as string

    expect((await t.api.request('POST', `/api/alerts/${alertId}/acknowledge`)).status).toBe(200)
    await expect.poll(() => hook.received.length, { timeout: 10_000 }).toBe(2)
    expect(verifiedPayload(secret, hook.received[1]!)).toMatchObject({ type: 'alert.acknowledged', data: { alert: { id: alertId, status: 'acknowledged', acknowledgedBy: 'admin' } } })

    expect((await t.api.request('POST', `/api/alerts/${alertId}/resolve`, { outcome: 'resolved-by-phone', note: 'pressed by mistake' })).status).toBe(200)
    await expect.poll(() => hook.received.length, { timeout: 10_000 }).toBe(3)
    expect(verifiedPayload(secret, hook.received[2]!)).toMatchObject({ type: 'alert.resolved', data: { alert: { id: alertId, status: 'resolved', outcome: 'resolved-by-phone' } } })
    // Three deliveries, three ids; a signature made with another secret does not verify.
    expect(new Set(hook.received.map((r) => r.id)).size).toBe(3)
    expect(() => verifiedPayload(`whsec_${Buffer.alloc(32, 7).toString('base64')}`, hook.received[0]!)).toThrow()

    // The listing tells how the last delivery went, and never shows the secret again.
    await expect.poll(async () => (await webhookOf(t.api, id))?.lastDelivery?.outcome).toBe('delivered')
    const listed = await webhookOf(t.api, id)
    expect(listed).toMatchObject({ id, url: hook.url, events: ALL_EVENTS, createdBy: 'admin', lastDelivery: { outcome: 'delivered', httpStatus: 200, error: null } })
    expect(JSON.stringify((await t.api.request('GET', '/api/webhooks')).body)).not.toContain(secret.slice('whsec_'.length))

    // Removed, it is sent nothing more.
    expect((await t.api.request('DELETE', `/api/webhooks/${id}`)).status).toBe(204)
    expect(await webhookOf(t.api, id)).toBeUndefined()
    expect((await t.api.request('DELETE', `/api/webhooks/${id}`)).status).toBe(404)
    await ada.press()
    const control = await receiver()
    await register(t.api, control.url, ['alert.raised', 'alert.acknowledged'])
    const open = (await t.api.request('GET', '/api/alerts?status=open')).body.alerts.find((a: any) => a.personId === ada.personId)
    await t.api.request('POST', `/api/alerts/${open.id as string}/acknowledge`)
    await expect.poll(() => control.received.length, { timeout: 10_000 }).toBe(1)
    expect(hook.received).toHaveLength(3)
  })

  it('tries a failed delivery again, with the same webhook-id, until the receiver takes it', async () => {
    const flaky = await receiver((n) => (n < 2 ? 500 : 200))
    const { id, secret } = await register(t.api, flaky.url, ['alert.raised'])
    const bea = await personWithPendant(t, 'Beatrice Webb')
    pendants.push(bea.pendant)
    await bea.press()
    await expect.poll(() => flaky.received.length, { timeout: 10_000 }).toBe(3)
    expect(flaky.received.map((r) => r.status)).toEqual([500, 500, 200])
    expect(new Set(flaky.received.map((r) => r.id)).size).toBe(1)
    // Each attempt is signed afresh, and each verifies.
    for (const attempt of flaky.received) expect(verifiedPayload(secret, attempt)).toMatchObject({ type: 'alert.raised', data: { alert: { personId: bea.personId } } })
    await expect.poll(async () => (await webhookOf(t.api, id))?.lastDelivery).toMatchObject({ outcome: 'delivered', httpStatus: 200 })
    expect((await t.api.metrics()).body).toMatch(/hearth_notifications_retried_total\{channel="webhook"\} [2-9]/)
    expect((await t.api.request('DELETE', `/api/webhooks/${id}`)).status).toBe(204)
  })

  it('sends an organisation nothing about a person outside its circle, and what it may see once it is in it', async () => {
    const elsewhere = (await t.api.request('POST', '/api/organisations', { name: 'Elsewhere Alarm Centre', kind: 'telecare' })).body.id as string
    const { api: oona } = await signedInUser(t, 'oona', ['org-admin'], elsewhere)
    const theirs = await receiver()
    const { id: theirId, secret: theirSecret } = await register(oona, theirs.url, ALL_EVENTS)
    const ours = await receiver()
    const { id: ourId } = await register(t.api, ours.url, ['alert.raised', 'alert.acknowledged'])

    const cyd = await personWithPendant(t, 'Cyd Charisse')
    pendants.push(cyd.pendant)
    await cyd.press()
    await expect.poll(() => ours.received.length, { timeout: 10_000 }).toBe(1)
    const alertId = JSON.parse(ours.received[0]!.body).data.alert.id as string
    await expect.poll(async () => (await t.api.metrics()).body).toMatch(/hearth_notifications_pending 0\b/)
    expect(theirs.received).toEqual([])
    expect((await webhookOf(oona, theirId)).lastDelivery).toBeNull()

    // Elsewhere joins Cyd's circle for her alerts: from the next change on, it is told.
    const joined = await t.api.request('POST', `/api/persons/${cyd.personId}/circle`, { organisationId: elsewhere, relationship: 'out-of-hours alarm centre', scopes: ['alerts'], basis: 'direct-care' })
    expect(joined.status).toBe(201)
    expect((await t.api.request('POST', `/api/alerts/${alertId}/acknowledge`)).status).toBe(200)
    await expect.poll(() => theirs.received.length, { timeout: 10_000 }).toBe(1)
    expect(verifiedPayload(theirSecret, theirs.received[0]!)).toMatchObject({ type: 'alert.acknowledged', data: { alert: { id: alertId, personId: cyd.personId, status: 'acknowledged' } } })

    // An organisation admin sees and removes only their own organisation's webhooks; the platform admin sees all.
    expect(((await oona.request('GET', '/api/webhooks')).body.webhooks as any[]).map((w) => w.id)).toEqual([theirId])
    expect(((await t.api.request('GET', '/api/webhooks')).body.webhooks as any[]).map((w) => w.id)).toEqual(expect.arrayContaining([theirId, ourId]))
    expect((await oona.request('DELETE', `/api/webhooks/${ourId}`)).status).toBe(404)
    expect((await oona.request('DELETE', `/api/webhooks/${theirId}`)).status).toBe(204)
    expect((await t.api.request('DELETE', `/api/webhooks/${ourId}`)).status).toBe(204)
  })

  it('refuses bodies that are not a webhook with 400 and says why', async () => {
    const refused = async (body: unknown): Promise<{ code: string; message: string; fields: string[] }> => {
      const answer = await t.api.request('POST', '/api/webhooks', body)
      expect(answer.status).toBe(400)
      return { code: answer.body.error.code, message: answer.body.error.message, fields: (answer.body.error.problems ?? []).map((p: any) => p.field) }
    }
    expect(await refused({})).toMatchObject({ code: 'validation_failed', fields: ['url', 'events'] })
    expect((await refused({ url: 'ftp://alarms.example.org/hook', events: ['alert.raised'] })).message).toContain('ftp is not http or https')
    expect((await refused({ url: 'alarms.example.org/hook', events: ['alert.raised'] })).message).toContain('not an absolute URL')
    expect((await refused({ url: 'https://hook:secret@alarms.example.org/hook', events: ['alert.raised'] })).message).toContain('no user name or password')
    expect((await refused({ url: 'http://alarms.example.org/hook', events: ['alert.raised'] })).message).toContain('plain http is accepted only to this machine')
    expect((await refused({ url: 'https://10.1.2.3/hook', events: ['alert.raised'] })).message).toContain('HEARTH_WEBHOOK_ALLOW_PRIVATE')
    expect((await refused({ url: 'https://169.254.169.254/latest', events: ['alert.raised'] })).fields).toEqual(['url'])
    expect((await refused({ url: 'https://alarms.example.org/hook', events: ['alert.deleted'] })).fields).toEqual(['events.0'])
    expect((await refused({ url: 'https://alarms.example.org/hook', events: [] })).message).toContain('at least one event')
    expect((await refused({ url: 'https://alarms.example.org/hook', events: ['alert.raised', 'alert.raised'] })).message).toContain('each event once')
    expect((await refused({ url: 'https://alarms.example.org/hook', events: ['alert.raised'], secret: 'mine' })).code).toBe('validation_failed')
    // The same URL over https, to a public name, is taken.
    const taken = await t.api.request('POST', '/api/webhooks', { url: 'https://alarms.example.org/hook', events: ['alert.raised'] })
    expect(taken.status).toBe(201)
    expect((await t.api.request('DELETE', `/api/webhooks/${taken.body.id as string}`)).status).toBe(204)
  })

  it('lets only admins and organisation admins manage webhooks', async () => {
    const { api: rory } = await signedInUser(t, 'rory', ['responder'])
    const tried = await rory.request('POST', '/api/webhooks', { url: 'https://alarms.example.org/hook', events: ['alert.raised'] })
    expect(tried.status).toBe(403)
    expect(tried.body.error.code).toBe('forbidden')
    expect((await rory.request('GET', '/api/webhooks')).status).toBe(403)
    expect((await new (t.api.constructor as typeof TestApi)(t.httpUrl).request('GET', '/api/webhooks')).status).toBe(401)
  })
})

describe('webhooks about escalation', () => {
  const dataDir = tempDir()
  const clock = new ManualClock(Date.now())
  let t: TestPlatform
  let hook: WebhookReceiver
  let pendant: MqttClient | undefined

  beforeAll(async () => {
    t = await startTestPlatform(dataDir, {}, clock)
    hook = await startWebhookReceiver()
  })
  afterAll(async () => {
    await pendant?.endAsync()
    await t?.close()
    await hook?.close()
    removeDir(dataDir)
  })

  it('sends alert.escalated each time an unanswered alert escalates', async () => {
    const { secret } = await register(t.api, hook.url, ['alert.escalated'])
    const dan = await personWithPendant(t, 'Dan Leno')
    pendant = dan.pendant
    await dan.press()
    await expect.poll(async () => (await t.api.request('GET', '/api/alerts?status=open')).body.alerts.length).toBe(1)
    // An emergency nobody acknowledges within a minute escalates (contract/rule-defaults.ts).
    clock.set(clock.now() + 61_000)
    t.platform.tick()
    await expect.poll(() => hook.received.length, { timeout: 10_000 }).toBe(1)
    expect(verifiedPayload(secret, hook.received[0]!)).toMatchObject({ type: 'alert.escalated', data: { alert: { personId: dan.personId, status: 'raised', escalationLevel: 1 } } })
    // A tick with nothing due tells nothing; the next deadline, 30 s on, tells level 2.
    t.platform.tick()
    clock.set(clock.now() + 31_000)
    t.platform.tick()
    await expect.poll(() => hook.received.length, { timeout: 10_000 }).toBe(2)
    expect(verifiedPayload(secret, hook.received[1]!)).toMatchObject({ type: 'alert.escalated', data: { alert: { escalationLevel: 2 } } })
  })
})
