import { Worker } from 'node:worker_threads'
import { afterEach, describe, expect, it } from 'vitest'
import { eventually, removeDir, startTestPlatform, type TestPlatform } from '../../harness/test-platform.js'

/**
 * Devices on a thread of the test's own, so that the test can hold up the platform's thread (where
 * alerting and the dashboard run) while they keep publishing: a wearable sends a QoS 1 reading
 * every 50 ms, and a pendant presses once while the platform's thread is held.
 */
const DEVICES = `
const { parentPort, workerData } = require('node:worker_threads')
const mqtt = require('mqtt')
const { url, wearable, pendant, pressAt, until } = workerData
const connect = (d) => mqtt.connectAsync(url, { clientId: d.id, username: d.id, password: d.secret, clean: false, reconnectPeriod: 0 })
;(async () => {
  const [wrist, button] = await Promise.all([connect(wearable), connect(pendant)])
  const readingAcks = []
  let press
  const sending = (async () => {
    for (let n = 0; Date.now() < until; n++) {
      await new Promise((r) => setTimeout(r, 50))
      wrist.publish('wellbeing/v1/devices/' + wearable.id + '/readings', JSON.stringify([{ n: 'heart_rate', u: 'beat/min', v: 60 + (n % 20) }]), { qos: 1 }, () => readingAcks.push(Date.now()))
    }
  })()
  await new Promise((r) => setTimeout(r, pressAt - Date.now()))
  const sentAt = Date.now()
  await button.publishAsync('wellbeing/v1/devices/' + pendant.id + '/events', JSON.stringify({ id: 'e-held', type: 'alarm.pressed' }), { qos: 1 })
  press = { sentAt, ackedAt: Date.now() }
  await sending
  await new Promise((r) => setTimeout(r, 500))
  await Promise.all([wrist.endAsync(), button.endAsync()])
  parentPort.postMessage({ readingAcks, press })
})().catch((error) => parentPort.postMessage({ error: String(error) }))
`

type Outcome = { readingAcks: number[]; press: { sentAt: number; ackedAt: number } }

/** Holds the calling thread (no CPU spent) for `ms`: the platform's alerting and dashboard with it. */
function holdThisThread(ms: number): { from: number; to: number } {
  const from = Date.now()
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
  return { from, to: Date.now() }
}

describe('the broker in a thread of its own', () => {
  let t: TestPlatform | undefined
  afterEach(async () => {
    await t?.close()
    if (t) removeDir(t.dataDir)
    t = undefined
  })

  const run = async (broker: 'thread' | 'loop'): Promise<{ outcome: Outcome; held: { from: number; to: number }; personId: string }> => {
    t = await startTestPlatform(undefined, {}, undefined, undefined, { broker })
    const personId = await t.api.createPerson('Edith Clarke')
    const wearable = await t.api.provision('wearable', personId, 'wrist-held')
    const pendant = await t.api.provision('pendant', personId, 'pendant-held')
    const holdAt = Date.now() + 1500
    const worker = new Worker(DEVICES, { eval: true, workerData: { url: t.mqttUrl, wearable, pendant, pressAt: holdAt + 400, until: holdAt + 2500 } })
    const result = new Promise<Outcome>((resolve, reject) => {
      worker.once('message', (message: Outcome | { error: string }) => ('error' in message ? reject(new Error(message.error)) : resolve(message)))
      worker.once('error', reject)
    })
    await new Promise((resolve) => setTimeout(resolve, holdAt - Date.now()))
    const held = holdThisThread(1200)
    const outcome = await result
    await worker.terminate()
    return { outcome, held, personId }
  }

  it("acknowledges readings while the platform's thread is held, and an alarm only once that thread has journalled it", async () => {
    const { outcome, held, personId } = await run('thread')
    const duringHold = outcome.readingAcks.filter((at) => at > held.from && at < held.to)
    expect(duringHold.length, 'readings acknowledged while the platform thread was held').toBeGreaterThan(0)
    expect(outcome.press.sentAt).toBeGreaterThan(held.from)
    expect(outcome.press.sentAt).toBeLessThan(held.to)
    // Durable before PUBACK: the journal is written on the platform's thread, so the PUBACK waits for it.
    expect(outcome.press.ackedAt).toBeGreaterThanOrEqual(held.to)
    const api = t?.api
    if (!api) throw new Error('no platform')
    const alerts = await eventually(async () => {
      const { body } = await api.request('GET', '/api/alerts/queue')
      const mine = (body.alerts as Array<{ personId: string; kind: string }>).filter((a) => a.personId === personId && a.kind === 'alarm.pressed')
      return mine.length > 0 ? mine : undefined
    }, 'the alarm in the queue')
    expect(alerts).toHaveLength(1)
    // Every reading acknowledged is stored, and the broker's own metrics come from its thread.
    const metrics = await eventually(async () => {
      const text = (await api.metrics()).body as string
      return new RegExp(`^hearth_readings_written_total ${outcome.readingAcks.length}$`, 'm').test(text) ? text : undefined
    }, 'every acknowledged reading stored')
    expect(metrics).toMatch(/^hearth_mqtt_clients_connected \d+$/m)
    const health = await api.request('GET', '/healthz')
    expect(health.body.components).toEqual(expect.arrayContaining([expect.objectContaining({ component: 'broker', ok: true })]))
  })

  it("acknowledges nothing while the platform's thread is held when the broker shares it (as with a clock of the caller's)", async () => {
    const { outcome, held } = await run('loop')
    expect(outcome.readingAcks.filter((at) => at > held.from && at < held.to)).toEqual([])
    expect(outcome.readingAcks.length).toBeGreaterThan(0)
    expect(outcome.press.ackedAt).toBeGreaterThanOrEqual(held.to)
  })
})
