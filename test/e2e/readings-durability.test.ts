import { afterAll, describe, expect, it } from 'vitest'
import type { MqttClient } from 'mqtt'
import { killed, spawnPlatform, type PlatformProcess } from '../../harness/platform-process.js'
import { TestApi, connectDevice, eventually, removeDir, tempDir } from '../../harness/test-platform.js'

const PACKS = 1200
const PER_PACK = 4
const SECOND = 1000

/**
 * A wearable streams QoS 1 packs without waiting; the platform is stopped while packs are in
 * flight. Every reading whose pack the broker acknowledged must be stored after a restart, and
 * none twice: each reading has a second of its own, so a one-second bucket holding two is a
 * reading stored twice.
 */
describe('readings the broker acknowledged survive the platform stopping', () => {
  const dirs: string[] = []
  let running: PlatformProcess | undefined

  afterAll(async () => {
    if (running) await killed(running.child, 'SIGTERM')
    for (const dir of dirs) removeDir(dir)
  })

  const streamAndStop = async (signal: NodeJS.Signals): Promise<void> => {
    const dataDir = tempDir()
    dirs.push(dataDir)
    running = await spawnPlatform(dataDir)
    const api = new TestApi(running.httpUrl)
    await api.login()
    const personId = await api.createPerson('Barbara Castle')
    const device = await api.provision('wearable', personId, 'wrist-durable')
    const wrist: MqttClient = await connectDevice(running.mqttUrl, device)
    wrist.on('error', () => undefined)

    const base = Math.floor((Date.now() - 2 * 3_600_000) / SECOND) * SECOND
    const acked = new Set<number>()
    let stopping: Promise<void> | undefined
    const platform = running
    for (let pack = 0; pack < PACKS; pack++) {
      const records = Array.from({ length: PER_PACK }, (_, k) => ({ n: 'heart_rate', u: 'beat/min', v: 60 + ((pack + k) % 40), t: pack * PER_PACK + k }))
      records[0] = { ...records[0], bn: `urn:dev:hearth:${device.id}:`, bt: base / 1000 } as (typeof records)[0]
      wrist.publish(`wellbeing/v1/devices/${device.id}/readings`, JSON.stringify(records), { qos: 1 }, (error) => {
        if (error) return
        for (let k = 0; k < PER_PACK; k++) acked.add(pack * PER_PACK + k)
        // Stop while hundreds of packs are still on their way.
        if (acked.size >= 300 * PER_PACK && !stopping) stopping = killed(platform.child, signal)
      })
      if (pack % 100 === 99) await new Promise((resolve) => setImmediate(resolve))
    }
    await eventually(() => (stopping ? true : undefined), 'the platform stopped under the stream', 20_000)
    await stopping
    wrist.end(true)
    expect(acked.size).toBeGreaterThanOrEqual(300 * PER_PACK)
    expect(acked.size).toBeLessThan(PACKS * PER_PACK)

    running = await spawnPlatform(dataDir)
    const after = new TestApi(running.httpUrl)
    await after.login()
    const from = new Date(base).toISOString()
    const to = new Date(base + PACKS * PER_PACK * SECOND).toISOString()
    const stored = await eventually(async () => {
      const { body } = await after.request('GET', `/api/persons/${personId}/readings?metric=heart_rate&from=${from}&to=${to}&every=1s`)
      const points = (body as { points: Array<{ t: string; count: number }> }).points
      const seconds = new Map(points.map((p) => [(Date.parse(p.t) - base) / SECOND, p.count]))
      return [...acked].every((second) => seconds.has(second)) ? seconds : undefined
    }, 'every acknowledged reading stored')
    const lost = [...acked].filter((second) => !stored.has(second))
    const twice = [...stored].filter(([, count]) => count > 1)
    expect({ lost: lost.length, twice: twice.length }).toEqual({ lost: 0, twice: 0 })
    await killed(running.child, 'SIGTERM')
    running = undefined
  }

  it('loses none and stores none twice when killed (kill -9) mid-stream', async () => {
    await streamAndStop('SIGKILL')
  }, 60_000)

  it('loses none and stores none twice when stopped (SIGTERM) mid-stream', async () => {
    await streamAndStop('SIGTERM')
  }, 60_000)
})
