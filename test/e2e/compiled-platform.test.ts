import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { ADMIN_PASSWORD, TestApi, connectDevice, eventually, removeDir, tempDir } from '../../harness/test-platform.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

/** `npm start` runs the platform compiled into build/ with plain node, its threads compiled too. */
describe('the compiled platform (npm start)', () => {
  const dataDir = tempDir()
  let child: ChildProcess | undefined

  afterAll(() => {
    child?.kill('SIGKILL')
    removeDir(dataDir)
  })

  it('starts from build/ with plain node, stores readings through its ingest thread, verifies the audit chain in a thread, and stops cleanly', async () => {
    // test/global-setup.ts compiled build/ before the tests.
    const platform = spawn(process.execPath, ['build/platform/main.js'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HEARTH_DATA_DIR: dataDir, HEARTH_HOST: '127.0.0.1', HEARTH_HTTP_PORT: '0', HEARTH_MQTT_PORT: '0', HEARTH_ADMIN_PASSWORD: ADMIN_PASSWORD, HEARTH_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    child = platform
    let out = ''
    platform.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
    platform.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()))
    const [, httpUrl, mqttUrl] = await eventually(() => /Dashboard: (http:\/\/[\d.]+:\d+)\/[\s\S]*MQTT:\s+(mqtt:\/\/[\d.]+:\d+)/.exec(out) ?? undefined, 'the platform up', 20_000)

    const api = new TestApi(httpUrl as string)
    await api.login()
    const health = await api.request('GET', '/healthz')
    expect(health.body).toMatchObject({ status: 'ok', components: expect.arrayContaining([expect.objectContaining({ component: 'ingest', ok: true })]) as unknown })

    const personId = await api.createPerson('Clement Attlee')
    const device = await api.provision('wearable', personId, 'wrist-compiled')
    const wrist = await connectDevice(mqttUrl as string, device)
    await wrist.publishAsync('wellbeing/v1/devices/wrist-compiled/readings', JSON.stringify([{ bn: 'urn:dev:hearth:wrist-compiled:', bt: Date.now() / 1000, n: 'heart_rate', u: 'beat/min', v: 64 }]), { qos: 1 })
    await wrist.endAsync()
    const latest = await eventually(async () => {
      const { body } = await api.request('GET', `/api/persons/${personId}`)
      const values = (body as { latest?: Array<{ metric: string; value: number }> }).latest ?? []
      return values.find((v) => v.metric === 'heart_rate')
    }, 'the reading stored')
    expect(latest.value).toBe(64)

    const verified = await api.request('POST', '/api/audit/verify')
    expect(verified.status).toBe(200)
    expect(verified.body).toMatchObject({ ok: true })

    const exit = new Promise<number | null>((resolve) => platform.once('exit', (code) => resolve(code)))
    platform.kill('SIGTERM')
    expect(await exit).toBe(0)
    child = undefined
  }, 60_000)
})
