import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { Registry } from 'prom-client'
import { createBroker } from '../../broker/create-broker.js'
import { createEventAdmission } from '../../broker/event-admission.js'
import { createLogger } from '../../platform/logger.js'
import { createCommandOutbox } from '../../stores/command-outbox.js'
import { createDeviceRepository } from '../../stores/device-repository.js'
import { createEventJournal } from '../../stores/event-journal.js'
import { READINGS_LOG_FOLDER, ReadingsLogWriter } from '../../stores/readings-log.js'
import { openDatabase } from '../../stores/open-database.js'
import { OPERATIONAL_MIGRATIONS } from '../../stores/operational-schema.js'
import { connectDevice, nextMessage, removeDir, startTestPlatform, tempDir, type TestPlatform } from '../../harness/test-platform.js'

const EVENTS = 'wellbeing/v1/devices/pendant-1/events'

describe('alerting', () => {
  const cleanup: Array<() => Promise<void> | void> = []
  afterEach(async () => {
    for (const step of cleanup.reverse()) await step()
    cleanup.length = 0
  })

  async function platformWithPendant(dataDir?: string): Promise<{ t: TestPlatform; personId: string; secret: string }> {
    const t = await startTestPlatform(dataDir)
    cleanup.push(() => removeDir(t.dataDir), () => t.close())
    const personId = await t.api.createPerson('Ada Lovelace')
    const { secret } = await t.api.provision('pendant', personId, 'pendant-1')
    return { t, personId, secret }
  }

  const openAlerts = async (t: TestPlatform) => (await t.api.request('GET', '/api/alerts?status=open')).body.alerts as Array<Record<string, unknown>>

  it('processes a redelivered event once and folds a new press into the open alert', async () => {
    const { t, secret } = await platformWithPendant()
    const pendant = await connectDevice(t.mqttUrl, { id: 'pendant-1', secret })
    cleanup.push(() => pendant.endAsync())
    const press = JSON.stringify({ id: 'e-1', type: 'alarm.pressed', ts: Date.now() / 1000 })
    await pendant.publishAsync(EVENTS, press, { qos: 1 })
    await pendant.publishAsync(EVENTS, press, { qos: 1 })
    await pendant.publishAsync(EVENTS, JSON.stringify({ id: 'e-2', type: 'test' }), { qos: 1 })
    const { body: metricsAfterDuplicate } = await waitForMetric(t, 'hearth_device_events_total{type="test"} 1')
    expect(metricsAfterDuplicate).toContain('hearth_device_events_duplicate_total 1')
    expect(metricsAfterDuplicate).toContain('hearth_device_events_total{type="alarm.pressed"} 1')
    expect(await openAlerts(t)).toEqual([expect.objectContaining({ kind: 'alarm.pressed', priority: 'emergency', occurrences: 1, personName: 'Ada Lovelace' })])

    await pendant.publishAsync(EVENTS, JSON.stringify({ id: 'e-3', type: 'alarm.pressed' }), { qos: 1 })
    await waitForMetric(t, 'hearth_device_events_total{type="alarm.pressed"} 2')
    expect(await openAlerts(t)).toEqual([expect.objectContaining({ kind: 'alarm.pressed', occurrences: 2 })])
  })

  it('raises an alarm whose id the device used before for another event, and tells the device', async () => {
    const { t, secret } = await platformWithPendant()
    const pendant = await connectDevice(t.mqttUrl, { id: 'pendant-1', secret })
    cleanup.push(() => pendant.endAsync())
    await pendant.subscribeAsync('wellbeing/v1/devices/pendant-1/errors')
    await pendant.publishAsync(EVENTS, JSON.stringify({ id: 'e-1', type: 'test' }), { qos: 1 })
    await waitForMetric(t, 'hearth_device_events_total{type="test"} 1')
    const notice = nextMessage(pendant, (topic, payload) => (topic.endsWith('/errors') ? (JSON.parse(payload.toString()) as Record<string, unknown>) : undefined))
    await pendant.publishAsync(EVENTS, JSON.stringify({ id: 'e-1', type: 'alarm.pressed' }), { qos: 1 })
    expect(await notice).toMatchObject({ refused: [{ code: 'notice', message: expect.stringMatching(/^event id reused/) as string }] })
    await waitForMetric(t, 'hearth_device_events_total{type="alarm.pressed"} 1')
    expect(await openAlerts(t)).toEqual([expect.objectContaining({ kind: 'alarm.pressed' })])
  })

  it('answers an invalid event on the errors topic and raises nothing', async () => {
    const { t, secret } = await platformWithPendant()
    const pendant = await connectDevice(t.mqttUrl, { id: 'pendant-1', secret })
    cleanup.push(() => pendant.endAsync())
    await pendant.subscribeAsync('wellbeing/v1/devices/pendant-1/errors')
    const error = nextMessage(pendant, (topic, payload) => (topic.endsWith('/errors') ? (JSON.parse(payload.toString()) as Record<string, unknown>) : undefined))
    await pendant.publishAsync(EVENTS, JSON.stringify({ id: 'e-9', type: 'alarm.squeezed' }), { qos: 1 })
    expect(await error).toMatchObject({ topic: 'events', refused: [{ code: 'invalid', message: expect.stringMatching(/^type: /) as string }] })
    expect(await openAlerts(t)).toEqual([])
  })

  it('raises the alert for an event the broker acknowledged just before the platform went down', async () => {
    const dataDir = tempDir()
    cleanup.push(() => removeDir(dataDir))
    // First life: provision, then only the broker runs, so nothing but the journal sees the press.
    const first = await platformWithPendant(dataDir)
    await first.t.close()
    const db = openDatabase(join(dataDir, 'hearth.db'), OPERATIONAL_MIGRATIONS, { synchronous: 'FULL' })
    const readingsLog = await ReadingsLogWriter.open(join(dataDir, READINGS_LOG_FOLDER))
    const broker = createBroker(
      { host: '127.0.0.1', port: 0, maxPacketBytes: 65536, connectTimeoutMs: 2000 },
      { logger: createLogger('silent'), metrics: new Registry(), clock: { now: () => Date.now() }, credentials: createDeviceRepository(db), admitEvent: createEventAdmission({ logger: createLogger('silent'), journal: createEventJournal(db) }), readingsLog, services: [] },
    )
    await broker.start()
    const pendant = await connectDevice(`mqtt://127.0.0.1:${broker.port()}`, { id: 'pendant-1', secret: first.secret })
    await pendant.publishAsync(EVENTS, JSON.stringify({ id: 'e-crash', type: 'fall.detected', data: { confidence: 0.9 } }), { qos: 1 })
    pendant.end(true)
    await broker.close()
    await readingsLog.close()
    db.close()

    const t = await startTestPlatform(dataDir)
    cleanup.push(() => t.close())
    expect(await openAlerts(t)).toEqual([expect.objectContaining({ kind: 'fall.detected', priority: 'emergency', deviceId: 'pendant-1', status: 'raised' })])
  })

  it('notes a cancellation by the person but leaves the alert for a responder to close', async () => {
    const { t, secret } = await platformWithPendant()
    const pendant = await connectDevice(t.mqttUrl, { id: 'pendant-1', secret })
    cleanup.push(() => pendant.endAsync())
    await pendant.publishAsync(EVENTS, JSON.stringify({ id: 'e-1', type: 'alarm.pressed' }), { qos: 1 })
    await pendant.publishAsync(EVENTS, JSON.stringify({ id: 'e-2', type: 'alarm.cancelled' }), { qos: 1 })
    await waitForMetric(t, 'hearth_device_events_total{type="alarm.cancelled"} 1')
    const [alert] = await openAlerts(t)
    expect(alert).toMatchObject({ status: 'raised', cancelledAt: expect.any(String) as string })
    const { body } = await t.api.request('GET', `/api/alerts/${String(alert?.id)}`)
    expect((body as { history: Array<{ action: string }> }).history.map((h) => h.action)).toEqual(['raised', 'cancelled-by-person'])
  })
})

describe('commands to devices', () => {
  it('sends a command left unsent (as by a crash after its acknowledgement committed) on the next sweep', async () => {
    const t = await startTestPlatform()
    try {
      const personId = await t.api.createPerson('Stan Ransome')
      const device = await t.api.provision('pendant', personId, 'pendant-outbox')
      const pendant = await connectDevice(t.mqttUrl, device)
      await pendant.subscribeAsync('wellbeing/v1/devices/pendant-outbox/commands', { qos: 1 })
      const received = nextMessage(pendant, (topic, payload) => (topic.endsWith('/commands') ? (JSON.parse(payload.toString()) as Record<string, unknown>) : undefined))
      const db = openDatabase(join(t.dataDir, 'hearth.db'), OPERATIONAL_MIGRATIONS, { synchronous: 'FULL' })
      const command = { id: 'c-left-behind', type: 'alarm.acknowledged', ts: Date.now() / 1000 - 60, alertId: 'a-1', text: 'Your call has been answered' }
      createCommandOutbox(db).enqueue({ id: command.id, deviceId: 'pendant-outbox', payload: JSON.stringify(command), createdAtMs: Date.now() - 60_000 })
      db.close()
      expect(await received).toEqual(command)
      await pendant.endAsync()
    } finally {
      await t.close()
      removeDir(t.dataDir)
    }
  })
})

async function waitForMetric(t: TestPlatform, line: string): Promise<{ body: string }> {
  const deadline = Date.now() + 10_000
  for (;;) {
    const { body } = await t.api.metrics()
    if (typeof body === 'string' && body.split('\n').includes(line)) return { body }
    if (Date.now() > deadline) throw new Error(`metric line never appeared: ${line}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}
