import { connect as tcpConnect } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connect as mqttConnect, connectAsync } from 'mqtt'
import { Registry } from 'prom-client'
import { createBroker, type Broker } from '../../broker/create-broker.js'
import { createEventAdmission } from '../../broker/event-admission.js'
import { generateDeviceSecret, hashDeviceSecret } from '../../broker/device-secret.js'
import { createLogger } from '../../platform/logger.js'
import { createDeviceRepository } from '../../stores/device-repository.js'
import { createEventJournal } from '../../stores/event-journal.js'
import { openDatabase, type SqliteDatabase } from '../../stores/open-database.js'
import { OPERATIONAL_MIGRATIONS } from '../../stores/operational-schema.js'
import { createPersonRepository } from '../../stores/person-repository.js'
import { READINGS_LOG_FOLDER, ReadingsLogWriter } from '../../stores/readings-log.js'
import { connectDevice, removeDir, tempDir } from '../../harness/test-platform.js'

const SERVICE = { username: 'hearth-alerting', password: 'service-password-for-tests', role: 'alerting' as const }

describe('broker', () => {
  let dir: string
  let db: SqliteDatabase
  let broker: Broker
  let url: string
  const metrics = new Registry()
  const pendant = { id: 'pendant-1', secret: generateDeviceSecret() }
  const other = { id: 'pendant-2', secret: generateDeviceSecret() }
  /** What the broker handed on to its event sink (parsed once), and whether the journal held it at that moment. */
  const handed: Array<{ deviceId: string; taken: string; journalled: boolean }> = []

  beforeAll(async () => {
    dir = tempDir()
    db = openDatabase(join(dir, 'hearth.db'), OPERATIONAL_MIGRATIONS, { synchronous: 'FULL' })
    const person = createPersonRepository(db).create({ name: 'Ada Lovelace', timeZone: 'Europe/London' }, Date.now())
    const devices = createDeviceRepository(db)
    for (const d of [pendant, other]) devices.provision({ id: d.id, type: 'pendant', personId: person.id, secretHash: hashDeviceSecret(d.secret) }, Date.now())
    const journal = createEventJournal(db)
    broker = createBroker(
      { host: '127.0.0.1', port: 0, maxPacketBytes: 64 * 1024, connectTimeoutMs: 2000 },
      {
        logger: createLogger('silent'),
        metrics,
        clock: { now: () => Date.now() },
        credentials: devices,
        readingsLog: await ReadingsLogWriter.open(join(dir, READINGS_LOG_FOLDER)),
        admitEvent: createEventAdmission({
          logger: createLogger('silent'),
          journal,
          events: (deviceId, taken) => {
            const id = taken.ok ? taken.event.id : undefined
            const summary = taken.ok ? `${taken.event.type} ${taken.journal}` : `invalid ${taken.problems.map((p) => p.field).join(',')}`
            handed.push({ deviceId, taken: summary, journalled: journal.pending(1000).some((e) => e.event.id === id) })
          },
        }),
        services: [SERVICE],
      },
    )
    await broker.start()
    url = `mqtt://127.0.0.1:${broker.port()}`
  })

  afterAll(async () => {
    await broker.close()
    db.close()
    removeDir(dir)
  })

  const refusals = async (reason: string): Promise<number> => {
    const metric = await metrics.getSingleMetric('hearth_mqtt_refusals_total')?.get()
    return metric?.values.find((v) => v.labels.reason === reason)?.value ?? 0
  }

  it('refuses a wrong secret with CONNACK 4 and counts it', async () => {
    const before = await refusals('bad_password')
    const error = await connectDevice(url, { id: pendant.id, secret: 'not-the-secret' }).then(
      () => undefined,
      (e: unknown) => e as { code?: number },
    )
    expect(error?.code).toBe(4)
    expect(await refusals('bad_password')).toBe(before + 1)
  })

  it('refuses a missing password and an unknown device with CONNACK 4', async () => {
    const missing = await connectAsync(url, { clientId: pendant.id, username: pendant.id, reconnectPeriod: 0 }).then(
      () => undefined,
      (e: unknown) => e as { code?: number },
    )
    expect(missing?.code).toBe(4)
    const unknown = await connectDevice(url, { id: 'ghost-1', secret: 'x' }).then(
      () => undefined,
      (e: unknown) => e as { code?: number },
    )
    expect(unknown?.code).toBe(4)
  })

  it('closes the connection of a device that publishes as another device, and nobody receives it', async () => {
    const service = await connectAsync(url, { clientId: SERVICE.username, username: SERVICE.username, password: SERVICE.password, reconnectPeriod: 0 })
    const received: string[] = []
    service.on('message', (topic) => received.push(topic))
    await service.subscribeAsync('wellbeing/v1/devices/+/events', { qos: 1 })
    const device = await connectDevice(url, pendant)
    const closed = new Promise<void>((resolve) => device.once('close', () => resolve()))
    device.publish('wellbeing/v1/devices/pendant-2/events', '{"id":"e-1","type":"alarm.pressed"}', { qos: 1 })
    await closed
    // A permitted publish afterwards proves the subscriber was listening all along.
    const ok = await connectDevice(url, other)
    await ok.publishAsync('wellbeing/v1/devices/pendant-2/events', '{"id":"e-2","type":"test"}', { qos: 1 })
    await new Promise<void>((resolve) => service.once('message', () => resolve()))
    expect(received).toEqual(['wellbeing/v1/devices/pendant-2/events'])
    expect(await refusals('publish_denied')).toBeGreaterThanOrEqual(1)
    device.end(true)
    await ok.endAsync()
    await service.endAsync()
  })

  it("answers SUBACK 0x80 to a subscription to another device's commands and to $SYS", async () => {
    const device = await connectDevice(url, pendant)
    // MQTT.js rejects a SUBACK that holds a refusal; the packet rides on the error.
    const suback = await device.subscribeAsync(['wellbeing/v1/devices/pendant-1/commands', 'wellbeing/v1/devices/pendant-2/commands', '$SYS/#'], { qos: 1 }).then(
      () => undefined,
      (e: unknown) => (e as { packet?: { granted: Array<number | { qos: number }> } }).packet,
    )
    expect(suback?.granted).toEqual([1, 128, 128])
    await device.endAsync()
  })

  it('journals a device event before acknowledging it', async () => {
    const device = await connectDevice(url, pendant)
    await device.publishAsync('wellbeing/v1/devices/pendant-1/events', '{"id":"e-journal","type":"alarm.pressed"}', { qos: 1 })
    // PUBACK received: the event must already be on disk.
    const pending = createEventJournal(db).pending(100)
    expect(pending.map((p) => [p.deviceId, p.event.id, p.event.type])).toContainEqual(['pendant-1', 'e-journal', 'alarm.pressed'])
    await device.endAsync()
  })

  it('hands each event it accepted on, parsed, once it is journalled, an invalid one and a redelivery too, and none it refused', async () => {
    handed.length = 0
    const device = await connectDevice(url, pendant)
    await device.publishAsync('wellbeing/v1/devices/pendant-1/events', '{"id":"e-hand","type":"fall.detected"}', { qos: 1 })
    await device.publishAsync('wellbeing/v1/devices/pendant-1/events', '{"id":"e-odd","type":"alarm.squeezed"}', { qos: 1 })
    await device.publishAsync('wellbeing/v1/devices/pendant-1/events', '{"id":"e-hand","type":"fall.detected"}', { qos: 1 })
    const closed = new Promise<void>((resolve) => device.once('close', () => resolve()))
    device.publish('wellbeing/v1/devices/pendant-2/events', '{"id":"e-not-mine","type":"alarm.pressed"}', { qos: 1 })
    await closed
    expect(handed).toEqual([
      { deviceId: 'pendant-1', taken: 'fall.detected new', journalled: true },
      { deviceId: 'pendant-1', taken: 'invalid type', journalled: false },
      { deviceId: 'pendant-1', taken: 'fall.detected redelivery', journalled: true },
    ])
    device.end(true)
  })

  it("keeps a service's persistent session: what arrives while it is away comes after it reconnects, in order", async () => {
    const options = { clientId: SERVICE.username, username: SERVICE.username, password: SERVICE.password, clean: false, reconnectPeriod: 0 }
    const first = await connectAsync(url, options)
    await first.subscribeAsync('wellbeing/v1/devices/+/events', { qos: 1 })
    await first.endAsync()
    const device = await connectDevice(url, pendant)
    const ids = Array.from({ length: 300 }, (_, i) => `away-${i}`)
    for (const id of ids) await device.publishAsync('wellbeing/v1/devices/pendant-1/events', JSON.stringify({ id, type: 'test' }), { qos: 1 })
    await device.endAsync()
    const received: string[] = []
    const back = mqttConnect(url, options)
    const all = new Promise<void>((resolve) =>
      back.on('message', (_topic, payload) => {
        received.push((JSON.parse(payload.toString()) as { id: string }).id)
        if (received.length === ids.length) resolve()
      }),
    )
    await all
    expect(received).toEqual(ids)
    await back.endAsync()
  })

  it('refuses a 1 MiB frame from its header without buffering it', async () => {
    const before = await refusals('packet_too_large')
    global.gc?.()
    const rssBefore = process.memoryUsage().rss
    const socket = tcpConnect(broker.port(), '127.0.0.1')
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()))
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()))
    socket.on('error', () => undefined)
    // PUBLISH with a remaining length of 1 MiB, then the body in 64 KiB pieces.
    socket.write(Buffer.from([0x30, 0x80, 0x80, 0x40]))
    const piece = Buffer.alloc(64 * 1024, 0x61)
    for (let i = 0; i < 16 && !socket.destroyed; i++) socket.write(piece)
    await closed
    const grewBy = process.memoryUsage().rss - rssBefore
    expect(await refusals('packet_too_large')).toBe(before + 1)
    expect(grewBy).toBeLessThan(4 * 1024 * 1024)
  })

  it('closes a connection that never sends CONNECT once the connect timeout passes', async () => {
    const before = await refusals('connect_timeout')
    const socket = tcpConnect(broker.port(), '127.0.0.1')
    socket.on('error', () => undefined)
    await new Promise<void>((resolve) => socket.once('close', () => resolve()))
    expect(socket.bytesRead).toBe(0)
    expect(await refusals('connect_timeout')).toBe(before + 1)
  })
})
