import { Writable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SOCKET_PATH } from '../../contract/index.js'
import { ADMIN_PASSWORD, TestApi, connectDevice, connectLive, liveAnswer, nextAlert, removeDir, startTestPlatform, tempDir, type TestPlatform } from '../../harness/test-platform.js'
import { fetchTrusting } from '../../harness/trusting-fetch.js'
import { loadConfig } from '../../platform/config.js'
import { createLogger } from '../../platform/logger.js'
import { openInClear } from '../../platform/open-in-clear.js'
import { throwawayCert, type ThrowawayCert } from '../helpers/throwaway-cert.js'

const HSTS = 'max-age=31536000; includeSubDomains'

describe('HTTPS served by Hearth itself, with HEARTH_TLS_KEY_FILE and HEARTH_TLS_CERT_FILE (ASVS 12.2.1)', () => {
  const certDir = tempDir('hearth-https-')
  const dataDir = tempDir()
  const lines: Array<Record<string, unknown>> = []
  let cert: ThrowawayCert
  let t: TestPlatform
  let ca = ''
  let port = 0

  beforeAll(async () => {
    cert = throwawayCert(certDir)
    ca = cert.pem
    const capture = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n')) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>)
        done()
      },
    })
    t = await startTestPlatform(
      dataDir,
      { HEARTH_TLS_KEY_FILE: cert.keyFile, HEARTH_TLS_CERT_FILE: cert.certFile, HEARTH_MQTTS_PORT: '0' },
      undefined,
      createLogger('info', capture),
    )
    port = t.platform.httpPort
  })
  afterAll(async () => {
    await t?.close()
    removeDir(dataDir)
    removeDir(certDir)
  })

  it('signs in over HTTPS and sets the session cookie as __Host-hearth_session, Secure, with no domain', async () => {
    expect(t.httpUrl).toBe(`https://127.0.0.1:${port}`)
    const response = await fetchTrusting(ca, `${t.httpUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
    })
    expect(response.status).toBe(200)
    const cookie = response.headers.get('set-cookie') ?? ''
    expect(cookie).toMatch(/^__Host-hearth_session=[\w-]+; Max-Age=\d+; Path=\/; HttpOnly; Secure; SameSite=Strict$/)
    const api = new TestApi(t.httpUrl, ca)
    api.cookie = cookie.split(';')[0] ?? ''
    expect((await api.request('GET', '/api/auth/me')).body.user.username).toBe('admin')
  })

  it('serves the API over HTTPS', async () => {
    const personId = await t.api.createPerson('Grace Hopper')
    const { status, body } = await t.api.request('GET', `/api/persons/${personId}`)
    expect(status).toBe(200)
    expect(body.name).toBe('Grace Hopper')
  })

  it('sends Strict-Transport-Security on every answer: pages, the API, errors, /healthz and socket.io\'s own', async () => {
    const answers = await Promise.all(
      ['/', '/api/persons', '/api/nothing-here', '/healthz', `${SOCKET_PATH}/?EIO=4&transport=polling`].map(async (path) => {
        const response = await fetchTrusting(ca, `${t.httpUrl}${path}`, { headers: { cookie: t.api.cookie } })
        return { path, status: response.status, hsts: response.headers.get('strict-transport-security') }
      }),
    )
    expect(answers.map((a) => a.status)).toEqual([200, 200, 404, 200, 200])
    for (const answer of answers) expect(answer, answer.path).toMatchObject({ hsts: HSTS })
  })

  it('answers nothing over plain HTTP on that port: no redirect, no data', async () => {
    await expect(fetch(`http://127.0.0.1:${port}/api/persons`, { headers: { cookie: t.api.cookie } })).rejects.toThrow()
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow()
  })

  it('takes browser requests from its https:// origin, not from the same host over http://', async () => {
    const own = await t.api.request('POST', '/api/persons', { name: 'Own Origin' }, { origin: `https://127.0.0.1:${port}` })
    expect(own.status).toBe(201)
    const plain = await t.api.request('POST', '/api/persons', { name: 'Forged' }, { origin: `http://127.0.0.1:${port}` })
    expect(plain.status).toBe(403)
    expect(plain.body.error.code).toBe('forbidden')
    expect(await liveAnswer(t.httpUrl, { cookie: t.api.cookie, origin: `https://127.0.0.1:${port}` }, ca)).toBe('ready')
    expect(await liveAnswer(t.httpUrl, { cookie: t.api.cookie, origin: `http://127.0.0.1:${port}` }, ca)).toMatch(/^refused/)
  })

  it('takes a device over MQTT over secure WebSocket (wss://…/mqtt) and delivers its alarm on the live feed over wss', async () => {
    const personId = await t.api.createPerson('Rose Jones')
    const device = await t.api.provision('pendant', personId, 'pendant-wss')
    const live = await connectLive(t.api)
    expect(live.io.engine.transport.name).toBe('websocket')
    const client = await connectDevice(`wss://127.0.0.1:${port}/mqtt`, device, { ca })
    try {
      const seen = nextAlert(live, (a) => a.deviceId === 'pendant-wss')
      await client.publishAsync('wellbeing/v1/devices/pendant-wss/events', JSON.stringify({ id: 'wss-e-1', type: 'alarm.pressed' }), { qos: 1 })
      expect(await seen).toMatchObject({ kind: 'alarm.pressed', personName: 'Rose Jones' })
    } finally {
      live.disconnect()
      await client.endAsync()
    }
  })

  it('refuses a wrong secret over wss, and a device trying plain ws:// gets no connection at all', async () => {
    const personId = await t.api.createPerson('Alan Turing')
    const device = await t.api.provision('pendant', personId, 'pendant-wss-2')
    const refused = await connectDevice(`wss://127.0.0.1:${port}/mqtt`, { id: device.id, secret: 'wrong' }, { ca }).then(
      async (client) => {
        await client.endAsync()
        return undefined
      },
      (e: unknown) => e as { code?: number },
    )
    expect(refused?.code).toBe(4)
    const plain = await connectDevice(`ws://127.0.0.1:${port}/mqtt`, device, { connectTimeout: 5000 }).then(
      async (client) => {
        await client.endAsync()
        return 'connected'
      },
      () => 'no connection',
    )
    expect(plain).toBe('no connection')
  })

  it('keeps MQTT over TLS on its own port beside it', async () => {
    const personId = await t.api.createPerson('Mary Seacole')
    const device = await t.api.provision('pendant', personId, 'pendant-mqtts')
    const client = await connectDevice(`mqtts://127.0.0.1:${String(t.platform.mqttsPort)}`, device, { ca })
    expect(client.connected).toBe(true)
    await client.endAsync()
  })

  it('names https:// and wss:// addresses in its start log, and gives no warning of anything in clear', () => {
    const up = lines.find((l) => l.msg === 'hearth is up')
    expect(up).toMatchObject({ dashboard: `https://127.0.0.1:${port}/`, mqttOverWebSocket: `wss://127.0.0.1:${port}/mqtt` })
    expect(lines.filter((l) => String(l.msg).startsWith('NOT PROTECTED'))).toEqual([])
  })
})

describe('configuring a key and certificate', () => {
  const certDir = tempDir('hearth-https-config-')
  let cert: ThrowawayCert
  let other: ThrowawayCert

  beforeAll(() => {
    cert = throwawayCert(certDir)
    other = throwawayCert(certDir, 'other')
  })
  afterAll(() => removeDir(certDir))

  it('turns HTTPS on with Secure cookies and keeps MQTT over TLS on 8883 unless HEARTH_MQTTS_PORT says otherwise', () => {
    const config = loadConfig({ HEARTH_TLS_KEY_FILE: cert.keyFile, HEARTH_TLS_CERT_FILE: cert.certFile })
    expect(config.secureCookies).toBe(true)
    expect(config.tls?.port).toBe(8883)
    expect(loadConfig({ HEARTH_TLS_KEY_FILE: cert.keyFile, HEARTH_TLS_CERT_FILE: cert.certFile, HEARTH_MQTTS_PORT: '9883' }).tls?.port).toBe(9883)
  })

  it('gives no "in clear" warning beyond loopback once Hearth serves HTTPS itself', () => {
    const files = { HEARTH_TLS_KEY_FILE: cert.keyFile, HEARTH_TLS_CERT_FILE: cert.certFile }
    expect(openInClear(loadConfig({ HEARTH_HOST: '192.0.2.10' }))).toBe(true)
    expect(openInClear(loadConfig({ HEARTH_HOST: '192.0.2.10', ...files }))).toBe(false)
    expect(openInClear(loadConfig(files))).toBe(false)
  })

  it('refuses to start with a key that is not the certificate\'s, or with one file of the two', () => {
    expect(() => loadConfig({ HEARTH_TLS_KEY_FILE: other.keyFile, HEARTH_TLS_CERT_FILE: cert.certFile })).toThrow(/cannot use key and certificate/)
    expect(() => loadConfig({ HEARTH_TLS_CERT_FILE: cert.certFile })).toThrow(/HTTPS and MQTT over TLS need both/)
  })
})
