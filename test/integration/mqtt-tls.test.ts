import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectDevice, connectLive, nextAlert, removeDir, startTestPlatform, tempDir, type TestPlatform } from '../../harness/test-platform.js'

describe('MQTT over TLS', () => {
  const certDir = tempDir('hearth-tls-')
  let t: TestPlatform

  beforeAll(async () => {
    // A throwaway self-signed certificate for 127.0.0.1, made with Debian's openssl.
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1',
      '-keyout', join(certDir, 'key.pem'), '-out', join(certDir, 'cert.pem'),
    ], { stdio: 'ignore' })
    t = await startTestPlatform(undefined, {
      HEARTH_MQTTS_PORT: '0',
      HEARTH_TLS_KEY_FILE: join(certDir, 'key.pem'),
      HEARTH_TLS_CERT_FILE: join(certDir, 'cert.pem'),
    })
  })

  afterAll(async () => {
    await t.close()
    removeDir(t.dataDir)
    removeDir(certDir)
  })

  it('accepts a provisioned device over TLS and refuses a wrong secret there too', async () => {
    const personId = await t.api.createPerson('Rose Jones')
    const device = await t.api.provision('pendant', personId, 'pendant-tls')
    const url = `mqtts://127.0.0.1:${String(t.platform.mqttsPort)}`
    const ca = readFileSync(join(certDir, 'cert.pem'))
    const client = await connectDevice(url, device, { ca })
    const live = await connectLive(t.api)
    const seen = nextAlert(live, (a) => a.deviceId === 'pendant-tls')
    await client.publishAsync('wellbeing/v1/devices/pendant-tls/events', JSON.stringify({ id: 'e-1', type: 'alarm.pressed' }), { qos: 1 })
    expect(await seen).toMatchObject({ kind: 'alarm.pressed', personName: 'Rose Jones' })
    live.disconnect()
    await client.endAsync()
    const refused = await connectDevice(url, { id: device.id, secret: 'wrong' }, { ca }).then(
      () => undefined,
      (e: unknown) => e as { code?: number },
    )
    expect(refused?.code).toBe(4)
  })
})
