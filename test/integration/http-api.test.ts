import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { io } from 'socket.io-client'
import { ADMIN_PASSWORD, TestApi, removeDir, startTestPlatform, type TestPlatform } from '../../harness/test-platform.js'

describe('HTTP API', () => {
  let t: TestPlatform
  let personId: string

  beforeAll(async () => {
    t = await startTestPlatform()
    personId = await t.api.createPerson('Mary Seacole')
  })

  afterAll(async () => {
    await t.close()
    removeDir(t.dataDir)
  })

  it('reports health and Prometheus metrics', async () => {
    expect(await t.api.request('GET', '/healthz')).toMatchObject({ status: 200, body: { status: 'ok' } })
    const metrics = await t.api.metrics()
    expect(metrics.body).toContain('# TYPE hearth_mqtt_refusals_total counter')
    // The platform's own connections: alerting and ingest (the rules read what ingest checked).
    expect(metrics.body).toContain('hearth_mqtt_clients_connected 2')
  })

  it('refuses a wrong password, then holds a username back after ten failures', async () => {
    const anon = new TestApi(t.httpUrl)
    const wrong = await anon.request('POST', '/api/auth/login', { username: 'admin', password: 'nope' })
    expect(wrong).toMatchObject({ status: 401, body: { error: { code: 'unauthorized', message: 'wrong username or password' } } })
    for (let i = 0; i < 10; i++) expect((await anon.request('POST', '/api/auth/login', { username: 'nobody', password: 'nope' })).status).toBe(401)
    const throttled = await anon.request('POST', '/api/auth/login', { username: 'nobody', password: 'nope' })
    expect(throttled.status).toBe(429)
    expect(throttled.body.error).toEqual({ code: 'too_many_requests', message: 'too many failed sign-ins; try again in 1 min' })
    // The admin signed in from here before: someone else's failures from this address do not hold her back.
    expect((await new TestApi(t.httpUrl).request('POST', '/api/auth/login', { username: 'admin', password: ADMIN_PASSWORD })).status).toBe(200)
  })

  it('answers malformed JSON, unknown fields and wrong types with a 400 naming each problem, never a stack', async () => {
    const malformed = await t.api.request('POST', '/api/persons', '{"name": ')
    expect(malformed).toMatchObject({ status: 400, body: { error: { code: 'bad_json' } } })
    expect(JSON.stringify(malformed.body)).not.toMatch(/at .*\.js/)
    const bad = await t.api.request('POST', '/api/devices', { type: 'toaster', personId: 42, colour: 'red' })
    expect(bad.status).toBe(400)
    expect(bad.body.error.code).toBe('validation_failed')
    expect(bad.body.error.problems.map((p: { field: string }) => p.field).sort()).toEqual(['(root)', 'personId', 'type'])
  })

  it('refuses an oversized body with 413', async () => {
    const huge = await t.api.request('POST', '/api/persons', { name: 'x', medicalNotes: 'y'.repeat(70 * 1024) })
    expect(huge).toMatchObject({ status: 413, body: { error: { code: 'payload_too_large' } } })
  })

  it('provisions a device with a one-time secret, and refuses a taken id or an unknown person', async () => {
    const first = await t.api.request('POST', '/api/devices', { type: 'pendant', personId, id: 'pendant-x' })
    expect(first.status).toBe(201)
    expect(first.body.secret).toMatch(/^[A-Za-z0-9_-]{43}$/)
    const again = await t.api.request('GET', '/api/devices/pendant-x')
    expect(again.body).not.toHaveProperty('secret')
    expect((await t.api.request('POST', '/api/devices', { type: 'pendant', personId, id: 'pendant-x' })).status).toBe(409)
    const orphan = await t.api.request('POST', '/api/devices', { type: 'pendant', personId: 'p-none' })
    expect(orphan).toMatchObject({ status: 400, body: { error: { problems: [{ field: 'personId' }] } } })
    const generated = await t.api.request('POST', '/api/devices', { type: 'wearable', personId })
    expect(generated.body.id).toMatch(/^wearable-[0-9a-f]{8}$/)
  })

  it('answers unknown alerts and routes with 404, and a bad outcome with 400', async () => {
    expect((await t.api.request('POST', '/api/alerts/a-999/acknowledge')).status).toBe(404)
    expect((await t.api.request('GET', '/api/nothing-here')).body).toEqual({ error: { code: 'not_found', message: 'no route GET /nothing-here' } })
    const resolve = await t.api.request('POST', '/api/alerts/a-1/resolve', { outcome: 'shrugged' })
    expect(resolve.status).toBe(400)
    expect(resolve.body.error.problems[0].field).toBe('outcome')
  })

  it('lists the kinds of alert, each with its priority, label and whether the 60 s answer clock applies', async () => {
    const { status, body } = await t.api.request('GET', '/api/alerts/kinds')
    expect(status).toBe(200)
    expect(body.kinds).toEqual(
      expect.arrayContaining([
        { kind: 'alarm.pressed', priority: 'emergency', label: 'Alarm pressed', answerClock: true, raisedBy: 'device' },
        { kind: 'threshold.spo2', priority: 'urgent', label: 'SpO2 out of range', answerClock: true, raisedBy: 'rule' },
        { kind: 'device.offline', priority: 'technical', label: 'Device offline', answerClock: false, raisedBy: 'rule' },
      ]),
    )
  })

  it('validates readings queries', async () => {
    const bad = await t.api.request('GET', `/api/persons/${personId}/readings?metric=blood_sugar&from=yesterday&to=2026-01-01T00:00:00Z&every=fortnight`)
    expect(bad.status).toBe(400)
    expect(bad.body.error.problems.map((p: { field: string }) => p.field).sort()).toEqual(['every', 'from', 'metric'])
    const tooMany = await t.api.request('GET', `/api/persons/${personId}/readings?metric=spo2&from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z&every=1s`)
    expect(tooMany.body.error.problems[0].field).toBe('every')
  })

  it('lets nobody in without signing in, and a responder neither provisions devices nor manages users', async () => {
    const anon = new TestApi(t.httpUrl)
    expect((await anon.request('GET', '/api/alerts')).status).toBe(401)
    const created = await t.api.request('POST', '/api/users', { username: 'sam', password: 'responder-password-1', roles: ['responder'] })
    expect(created.status).toBe(201)
    const sam = new TestApi(t.httpUrl)
    await sam.login('sam', 'responder-password-1')
    expect((await sam.request('GET', '/api/alerts')).status).toBe(200)
    expect((await sam.request('POST', '/api/devices', { type: 'pendant', personId })).status).toBe(403)
    expect((await sam.request('GET', '/api/users')).status).toBe(403)
  })

  it('accepts integrations with a bearer token', async () => {
    const { body } = await t.api.request('POST', '/api/tokens', { name: 'council-crm', roles: ['supervisor'] })
    const integration = new TestApi(t.httpUrl)
    const persons = await integration.request('GET', '/api/persons', undefined, { authorization: `Bearer ${body.token as string}` })
    expect(persons.status).toBe(200)
    expect(persons.body.persons.map((p: { name: string }) => p.name)).toContain('Mary Seacole')
    expect((await integration.request('GET', '/api/persons', undefined, { authorization: 'Bearer hearth_wrong' })).status).toBe(401)
  })

  it('refuses a live connection without a session, and ends live connections on sign-out', async () => {
    const anonymous = io(t.httpUrl, { transports: ['websocket'], reconnection: false })
    const refusal = await new Promise<Error>((resolve) => anonymous.once('connect_error', resolve))
    expect(refusal.message).toBe('unauthorized')
    anonymous.close()

    const user = new TestApi(t.httpUrl)
    await user.login()
    const live = io(t.httpUrl, { transports: ['websocket'], reconnection: false, extraHeaders: { cookie: user.cookie } })
    await new Promise<void>((resolve) => live.once('ready', () => resolve()))
    const dropped = new Promise<string>((resolve) => live.once('disconnect', resolve))
    expect((await user.request('POST', '/api/auth/logout')).status).toBe(204)
    expect(await dropped).toBe('io server disconnect')
    expect((await user.request('GET', '/api/auth/me')).status).toBe(401)
  })

  it('closes upgrade requests it does not serve, even with a malformed URL, and keeps running', async () => {
    const port = Number(new URL(t.httpUrl).port)
    for (const path of ['//[', '/not-a-socket']) {
      const socket = connect(port, '127.0.0.1')
      socket.on('error', () => undefined)
      const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()))
      socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`)
      await closed
    }
    expect((await t.api.request('GET', '/healthz')).body.status).toBe('ok')
  })
})
