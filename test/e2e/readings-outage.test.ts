import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { MqttClient } from 'mqtt'
import { InfluxDB } from 'influx'
import { startInfluxd, type Influxd } from '../../harness/influxd.js'
import { connectDevice, connectLive, eventually, nextAlert, removeDir, startTestPlatform, type TestPlatform } from '../../harness/test-platform.js'

const WEARABLES = 5
const OUTAGE_MS = 30_000

describe('readings while InfluxDB is away', () => {
  let influxd: Influxd
  let t: TestPlatform
  const devices: Array<{ id: string; personId: string; client: MqttClient }> = []

  beforeAll(async () => {
    influxd = await startInfluxd()
    t = await startTestPlatform(undefined, { HEARTH_INFLUX_URL: influxd.url, HEARTH_INFLUX_DATABASE: 'hearth_outage' })
    for (let i = 0; i < WEARABLES; i++) {
      const personId = await t.api.createPerson(`Wearer ${i + 1}`)
      const device = await t.api.provision('wearable', personId, `wrist-out-${i}`)
      devices.push({ id: device.id, personId, client: await connectDevice(t.mqttUrl, device) })
    }
  })

  afterAll(async () => {
    await Promise.all(devices.map((d) => d.client.endAsync()))
    await t.close()
    await influxd.destroy()
    removeDir(t.dataDir)
  })

  it('loses none and stores none twice across a 30 s outage, while alarms keep flowing', { timeout: 120_000 }, async () => {
    // Every reading carries a unique sequence number as its value and its own timestamp.
    const sent = new Map<string, number[]>(devices.map((d) => [d.personId, []]))
    let seq = 0
    const publishing: Array<Promise<void>> = []
    const tick = (): void => {
      for (const d of devices) {
        const at = Date.now() / 1000
        const values = [++seq, ++seq]
        publishing.push(
          d.client
            .publishAsync(`wellbeing/v1/devices/${d.id}/readings`, JSON.stringify([{ bt: at, n: 'steps', u: 'count', v: values[0] }, { n: 'steps', u: 'count', v: values[1], t: 0.0005 }]), { qos: 1 })
            .then(() => void sent.get(d.personId)?.push(...values)),
        )
      }
    }
    const stream = setInterval(tick, 50)
    try {
      await eventually(() => (seq > 200 ? true : undefined), 'some readings before the outage')
      await influxd.stop()
      const outageStarted = Date.now()

      const health = await eventually(async () => {
        const { status, body } = await t.api.request('GET', '/healthz')
        return body.status === 'degraded' ? { status, body } : undefined
      }, 'health to show the readings store degraded')
      expect(health.status).toBe(200)
      expect(health.body.degraded).toEqual(['readings-store'])

      const personId = await t.api.createPerson('Pendant Wearer')
      const pendant = await t.api.provision('pendant', personId, 'pendant-outage')
      const live = await connectLive(t.api)
      const pendantClient = await connectDevice(t.mqttUrl, pendant)
      const seen = nextAlert(live, (a) => a.deviceId === 'pendant-outage')
      await pendantClient.publishAsync('wellbeing/v1/devices/pendant-outage/events', JSON.stringify({ id: 'e-1', type: 'alarm.pressed' }), { qos: 1 })
      expect(await seen).toMatchObject({ kind: 'alarm.pressed', personName: 'Pendant Wearer' })
      live.disconnect()
      await pendantClient.endAsync()

      const spooled = await eventually(async () => {
        const metrics = (await t.api.metrics()).body as string
        const depth = Number(/^hearth_readings_spool_depth (\d+)/m.exec(metrics)?.[1] ?? 0)
        return depth > 0 ? depth : undefined
      }, 'readings to be spooled')
      expect(spooled).toBeGreaterThan(0)

      await new Promise((resolve) => setTimeout(resolve, Math.max(0, OUTAGE_MS - (Date.now() - outageStarted))))
      await influxd.start()
      const seqAtRestart = seq
      await eventually(() => (seq > seqAtRestart + 200 ? true : undefined), 'more readings after the outage')
    } finally {
      clearInterval(stream)
    }
    await Promise.all(publishing)

    const influx = new InfluxDB({ host: '127.0.0.1', port: Number(new URL(influxd.url).port), database: 'hearth_outage' })
    let totalSent = 0
    let totalStored = 0
    let totalDuplicated = 0
    let totalLost = 0
    for (const [personId, values] of sent) {
      const stored = await eventually(async () => {
        const rows = await influx.query<{ value: number }>(`SELECT value FROM steps WHERE person_id = '${personId}'`)
        return rows.length >= values.length ? rows.map((r) => r.value) : undefined
      }, `all readings of ${personId} in InfluxDB`, 30_000).catch(async (error: unknown) => {
        const rows = await influx.query<{ value: number }>(`SELECT value FROM steps WHERE person_id = '${personId}'`)
        const have = new Set(rows.map((r) => r.value))
        console.log(`sent ${values.length}, stored ${rows.length}, missing ${JSON.stringify(values.filter((v) => !have.has(v)).slice(0, 20))}`)
        throw error
      })
      const unique = new Set(stored)
      totalSent += values.length
      totalStored += unique.size
      totalDuplicated += stored.length - unique.size
      totalLost += values.filter((v) => !unique.has(v)).length
    }
    console.log(`readings outage: sent ${totalSent}, stored ${totalStored}, lost ${totalLost}, stored twice ${totalDuplicated}`)
    expect(totalSent).toBeGreaterThan(1000)
    expect(totalLost).toBe(0)
    expect(totalDuplicated).toBe(0)
    expect(totalStored).toBe(totalSent)
    const { body } = await t.api.request('GET', '/healthz')
    expect(body.status).toBe('ok')
  })
})
