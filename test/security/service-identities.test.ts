import { createConnection } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MqttClient, connectAsync, type IClientOptions } from 'mqtt'
import { connectDevice, eventually, removeDir, startTestPlatform, tempDir, type TestPlatform } from '../../harness/test-platform.js'
import { loadConfig } from '../../platform/config.js'
import { SERVICE_USERS, serviceCredential } from '../../platform/connect-service-client.js'

const SERVICE_SECRET = 'service-secret-for-these-tests-only'

/**
 * The platform's own MQTT identities (ASVS 13.2.1), against the running platform: each service has
 * a credential of its own, connects only from the addresses allowed, and never under a device's id.
 */
describe('platform service identities on the broker', () => {
  const dataDir = tempDir()
  let t: TestPlatform

  beforeAll(async () => {
    // Only 127.0.0.1 is allowed here, so that a connection from 127.0.0.2 (loopback too, on Linux) stands for another host.
    t = await startTestPlatform(dataDir, { HEARTH_SERVICE_PASSWORD: SERVICE_SECRET, HEARTH_SERVICE_ADDRESSES: '127.0.0.1' })
  })
  afterAll(async () => {
    await t?.close()
    removeDir(dataDir)
  })

  /** The CONNACK return code a CONNECT with these options gets (0 when connected; the client is then closed). */
  const connackOf = (options: IClientOptions & { localAddress?: string }): Promise<number> =>
    new Promise((resolve, reject) => {
      const { localAddress, ...mqtt } = options
      const client = new MqttClient(() => createConnection({ host: '127.0.0.1', port: t.platform.mqttPort, ...(localAddress ? { localAddress } : {}) }), {
        reconnectPeriod: 0,
        connectTimeout: 5000,
        ...mqtt,
      })
      client.once('connect', () => client.end(true, () => resolve(0)))
      client.once('error', (error: Error & { code?: unknown }) => {
        client.end(true)
        if (typeof error.code === 'number') resolve(error.code)
        else reject(error)
      })
    })
  const asService = (username: string, password: string, extra: IClientOptions & { localAddress?: string } = {}) =>
    connackOf({ clientId: `${username}-probe`, username, password, clean: true, ...extra, ...(extra.clientId ? {} : { clientId: username }) })

  it('gives each service its own credential: one service’s opens no other, and the shared secret opens none', async () => {
    const ingest = serviceCredential(SERVICE_SECRET, SERVICE_USERS.ingest)
    const alerting = serviceCredential(SERVICE_SECRET, SERVICE_USERS.alerting)
    expect(ingest).not.toBe(alerting)
    expect(await asService(SERVICE_USERS.alerting, ingest)).toBe(4)
    expect(await asService(SERVICE_USERS.ingest, alerting)).toBe(4)
    expect(await asService(SERVICE_USERS.ingest, SERVICE_SECRET)).toBe(4)
    expect(await asService(SERVICE_USERS.alerting, SERVICE_SECRET)).toBe(4)
  })

  it('refuses a service identity from an address not allowed, before its password is looked at', async () => {
    const alerting = serviceCredential(SERVICE_SECRET, SERVICE_USERS.alerting)
    expect(await asService(SERVICE_USERS.alerting, alerting, { localAddress: '127.0.0.2' })).toBe(5)
    expect(await asService(SERVICE_USERS.alerting, 'not-the-password', { localAddress: '127.0.0.2' })).toBe(5)
    const { body } = await t.api.metrics()
    expect(String(body)).toMatch(/hearth_mqtt_refusals_total\{reason="service_address_refused"\} [1-9]/)
  })

  it('refuses a service identity over MQTT over WebSocket, wherever it comes from', async () => {
    const ingest = serviceCredential(SERVICE_SECRET, SERVICE_USERS.ingest)
    const wsUrl = `${t.httpUrl.replace(/^http/, 'ws')}/mqtt`
    const refused = await connectAsync(wsUrl, { clientId: SERVICE_USERS.ingest, username: SERVICE_USERS.ingest, password: ingest, reconnectPeriod: 0 }).then(
      (client) => client.endAsync().then(() => 0),
      (error: Error & { code?: number }) => error.code,
    )
    expect(refused).toBe(5)
  })

  it('never lets a service identity take over a device’s client id; the device stays connected and its alarm reaches alerting', async () => {
    const personId = await t.api.createPerson('Iris Murdoch')
    const device = await t.api.provision('pendant', personId, 'pendant-svc-1')
    const client = await connectDevice(t.mqttUrl, device)
    const ingest = serviceCredential(SERVICE_SECRET, SERVICE_USERS.ingest)
    expect(await asService(SERVICE_USERS.ingest, ingest, { clientId: 'pendant-svc-1' })).toBe(2)
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(client.connected).toBe(true)
    // Alerting, connected under its own credential, takes the alarm.
    await client.publishAsync('wellbeing/v1/devices/pendant-svc-1/events', JSON.stringify({ id: 'svc-e-1', type: 'alarm.pressed' }), { qos: 1 })
    const raised = await eventually(async () => {
      const { body } = await t.api.request('GET', '/api/alerts?status=open')
      return (body.alerts as Array<{ deviceId: string; kind: string }>).find((a) => a.deviceId === 'pendant-svc-1')
    }, 'the alarm raised')
    expect(raised.kind).toBe('alarm.pressed')
    await client.endAsync()
  })
})

describe('HEARTH_SERVICE_ADDRESSES', () => {
  it('is loopback unless set, takes addresses and networks, and refuses what would take in every address', () => {
    expect(loadConfig({}).serviceAddresses).toEqual(['loopback'])
    expect(loadConfig({ HEARTH_SERVICE_ADDRESSES: 'loopback, 10.0.0.0/8, 2001:db8::5' }).serviceAddresses).toEqual(['loopback', '10.0.0.0/8', '2001:db8::5'])
    expect(() => loadConfig({ HEARTH_SERVICE_ADDRESSES: '0.0.0.0/0' })).toThrow(/HEARTH_SERVICE_ADDRESSES: 0\.0\.0\.0\/0: the prefix length must be 1 to 32/)
    expect(() => loadConfig({ HEARTH_SERVICE_ADDRESSES: 'everywhere' })).toThrow(/everywhere is not an address/)
  })
})
