import { afterAll, describe, expect, it } from 'vitest'
import { killed, spawnPlatform, type PlatformProcess } from '../../harness/platform-process.js'
import { TestApi, connectDevice, removeDir, tempDir } from '../../harness/test-platform.js'

describe('an alarm acknowledged by the broker is never lost', () => {
  const dataDir = tempDir()
  let running: PlatformProcess | undefined

  afterAll(async () => {
    if (running) await killed(running.child, 'SIGTERM')
    removeDir(dataDir)
  })

  it('finds the alert after the platform is killed right after the press was acknowledged', async () => {
    running = await spawnPlatform(dataDir)
    const api = new TestApi(running.httpUrl)
    await api.login()
    const personId = await api.createPerson('Harold Wilson')
    const device = await api.provision('pendant', personId, 'pendant-crash')
    const pendant = await connectDevice(running.mqttUrl, device)
    await pendant.publishAsync('wellbeing/v1/devices/pendant-crash/events', JSON.stringify({ id: 'e-1', type: 'alarm.pressed' }), { qos: 1 })
    // PUBACK is in: kill the platform at once, with no chance to finish anything.
    await killed(running.child, 'SIGKILL')
    pendant.end(true)

    running = await spawnPlatform(dataDir)
    const after = new TestApi(running.httpUrl)
    await after.login()
    const { body } = await after.request('GET', '/api/alerts?status=open')
    expect(body.alerts).toEqual([
      expect.objectContaining({ kind: 'alarm.pressed', deviceId: 'pendant-crash', personName: 'Harold Wilson', occurrences: 1, status: 'raised' }),
    ])
  })

  it('stops cleanly on SIGTERM', async () => {
    const child = running?.child
    if (!child) throw new Error('platform is not running')
    const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
    child.kill('SIGTERM')
    expect(await exit).toBe(0)
    running = undefined
  })
})
