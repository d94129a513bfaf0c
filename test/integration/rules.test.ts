import { afterEach, describe, expect, it } from 'vitest'
import type { Alert } from '../../contract/index.js'
import { VirtualDevice } from '../../simulators/virtual-device.js'
import { ManualClock, eventually, removeDir, startTestPlatform, tempDir, type TestPlatform } from '../../harness/test-platform.js'

const T0 = Date.parse('2026-06-15T11:00:00Z')

/** The rules on the real broker, ingest and alerting, fed by real MQTT devices. */
describe('rules through the real pipeline', () => {
  let t: TestPlatform | undefined
  let dataDir: string | undefined
  const devices: VirtualDevice[] = []

  afterEach(async () => {
    await Promise.all(devices.splice(0).map((d) => d.close()))
    await t?.close()
    if (dataDir) removeDir(dataDir)
    t = undefined
  })

  const start = async (clock = new ManualClock(T0)): Promise<{ t: TestPlatform; personId: string; clock: ManualClock }> => {
    dataDir = tempDir()
    t = await startTestPlatform(dataDir, {}, clock)
    return { t, personId: await t.api.createPerson('Joan Clarke'), clock }
  }

  const device = async (platform: TestPlatform, type: Parameters<TestPlatform['api']['provision']>[0], personId: string, id: string): Promise<VirtualDevice> => {
    const d = new VirtualDevice(await platform.api.provision(type, personId, id), platform.mqttUrl)
    await d.connect()
    devices.push(d)
    return d
  }

  const alertsOf = async (platform: TestPlatform, personId: string): Promise<Alert[]> => (await platform.api.request('GET', `/api/persons/${personId}`)).body.alerts
  const waitForAlert = (platform: TestPlatform, personId: string, match: (a: Alert) => boolean, what: string): Promise<Alert> =>
    eventually(async () => (await alertsOf(platform, personId)).find(match), what)

  it("raises a clinician's threshold from a wearable's reading, judged against the new version", async () => {
    const { t, personId } = await start()
    const put = await t.api.request('PUT', `/api/persons/${personId}/thresholds`, {
      thresholds: [{ metric: 'heart_rate', above: 100, forSeconds: 0, priority: 'warning' }],
      reason: 'on beta blockers: lower alert line',
    })
    expect(put).toMatchObject({ status: 200, body: { version: 1 } })
    const wrist = await device(t, 'wearable', personId, 'wrist-1')
    await wrist.readings([{ n: 'heart_rate', u: 'beat/min', v: 99 }], 1)
    await wrist.readings([{ n: 'heart_rate', u: 'beat/min', v: 104 }], 1)
    const alert = await waitForAlert(t, personId, (a) => a.kind === 'threshold.heart_rate', 'the threshold alert')
    expect(alert).toMatchObject({ priority: 'warning', deviceId: 'wrist-1', summary: 'Pulse 104 beat/min, above 100 beat/min', status: 'raised' })
    const { body } = await t.api.request('GET', `/api/alerts/${alert.id}`)
    expect(body.history[0]).toMatchObject({ action: 'raised', detail: 'Pulse 104 beat/min, above 100 beat/min [judged against care settings v1]' })
  })

  it("raises a technical alert when a device's connection drops (its will), and closes it itself when the device is back", async () => {
    const { t, personId, clock } = await start()
    const pendant = await device(t, 'pendant', personId, 'pendant-1')
    // Drop the connection without DISCONNECT, as a flat battery or lost Wi-Fi would: the broker publishes the will.
    ;(pendant as unknown as { client: { stream: { destroy(): void } } }).client.stream.destroy()
    const offline = await waitForAlert(t, personId, (a) => a.kind === 'device.offline', 'the offline alert')
    expect(offline).toMatchObject({ priority: 'technical', deviceId: 'pendant-1', status: 'raised', summary: 'pendant pendant-1 went offline: its connection dropped' })
    await pendant.close()

    clock.set(T0 + 25 * 60_000)
    const again = new VirtualDevice(pendant.credentials, t.mqttUrl)
    await again.connect()
    devices.push(again)
    const closed = await waitForAlert(t, personId, (a) => a.id === offline.id && a.status === 'resolved', 'the offline alert to close')
    expect(closed).toMatchObject({ outcome: 'technical', resolvedBy: 'hearth', note: 'pendant pendant-1 back after 25 min', acknowledgedBy: null })
  })

  it('raises low battery from a status and closes it once charged', async () => {
    const { t, personId } = await start()
    const pendant = await device(t, 'pendant', personId, 'pendant-1')
    await pendant.status({ online: true, battery: 0.15 })
    const low = await waitForAlert(t, personId, (a) => a.kind === 'device.battery-low', 'the battery alert')
    expect(low).toMatchObject({ priority: 'technical', summary: 'Battery at 15% on pendant-1' })
    await pendant.status({ online: true, battery: 0.25 })
    await pendant.status({ online: true, battery: 0.95 })
    const charged = await waitForAlert(t, personId, (a) => a.id === low.id && a.status === 'resolved', 'the battery alert to close')
    expect(charged.note).toBe('battery charged to 95%')
  })

  it('silences missed medication during a planned absence, but never a pendant press', async () => {
    const { t, personId } = await start()
    const absence = await t.api.request('POST', `/api/persons/${personId}/absences`, {
      from: new Date(T0 - 3_600_000).toISOString(),
      to: new Date(T0 + 7 * 86_400_000).toISOString(),
      reason: 'in hospital',
    })
    expect(absence.status).toBe(201)
    const dispenser = await device(t, 'medication-dispenser', personId, 'pills-1')
    const pendant = await device(t, 'pendant', personId, 'pendant-1')
    await dispenser.event('medication.missed', { dose: 'morning' })
    await pendant.event('alarm.pressed')
    await waitForAlert(t, personId, (a) => a.kind === 'alarm.pressed', 'the alarm')
    const metrics = await t.api.metrics()
    expect(metrics.body).toContain('hearth_device_events_total{type="medication.missed"} 1')
    expect((await alertsOf(t, personId)).map((a) => a.kind)).toEqual(['alarm.pressed'])
  })

  it('raises missed medication as a warning when the person is at home', async () => {
    const { t, personId } = await start()
    const dispenser = await device(t, 'medication-dispenser', personId, 'pills-1')
    await dispenser.event('medication.missed', { dose: 'evening' })
    expect(await waitForAlert(t, personId, (a) => a.kind === 'medication.missed', 'the medication alert')).toMatchObject({
      priority: 'warning',
      summary: 'Medication missed: evening',
    })
  })

  it('keeps an inactivity alert and the last activity across a restart, and notes the next movement', async () => {
    const morning = Date.parse('2026-06-15T05:00:00Z') // 06:00 in London
    const { t: first, personId, clock } = await start(new ManualClock(morning))
    const motion = await device(first, 'motion-sensor', personId, 'motion-1')
    clock.set(morning + 30 * 60_000)
    await motion.event('motion', { room: 'kitchen' })
    await eventually(async () => ((await first.api.metrics()).body.includes('hearth_rule_inputs_total{input="events"} 1') ? true : undefined), 'the motion judged')
    clock.set(morning + 4 * 3_600_000) // 10:00: three quiet hours since the day began at 07:00
    first.platform.tick()
    const quiet = await waitForAlert(first, personId, (a) => a.kind === 'inactivity', 'the inactivity alert')
    expect(quiet.summary).toBe('No movement for 3 h since the day began at 07:00 (active hours 07:00 to 22:00)')
    await Promise.all(devices.splice(0).map((d) => d.close()))
    await first.close()

    const later = new ManualClock(morning + 4 * 3_600_000 + 20 * 60_000)
    t = await startTestPlatform(dataDir, {}, later)
    t.platform.tick()
    // The sensor last spoke at 06:30 and has not checked in since: it is offline too, before and after.
    expect((await alertsOf(t, personId)).map((a) => [a.kind, a.status, a.clearedAt, a.occurrences])).toEqual([
      ['device.offline', 'raised', null, 1],
      ['inactivity', 'raised', null, 1],
    ])
    const again = new VirtualDevice(motion.credentials, t.mqttUrl)
    await again.connect()
    devices.push(again)
    later.set(morning + 4 * 3_600_000 + 30 * 60_000)
    await again.event('motion', { room: 'hallway' })
    const noted = await waitForAlert(t, personId, (a) => a.id === quiet.id && a.clearedAt !== null, 'the movement noted')
    expect(noted).toMatchObject({ status: 'raised', clearedAt: new Date(morning + 4 * 3_600_000 + 30 * 60_000).toISOString() })
  })

  /** Waits until the rules have judged this many messages of a kind (`readings`, `events`). */
  const judged = (platform: TestPlatform, input: 'readings' | 'events', count: number): Promise<true> =>
    eventually(async () => ((await platform.api.metrics()).body.includes(`hearth_rule_inputs_total{input="${input}"} ${count}`) ? true : undefined), `${count} ${input} judged`)

  it('raises a threshold whose `for` time was pending across a restart when it would have without one', async () => {
    const { t: first, personId, clock } = await start()
    await first.api.request('PUT', `/api/persons/${personId}/thresholds`, {
      thresholds: [{ metric: 'heart_rate', above: 100, forSeconds: 120, priority: 'warning' }],
      reason: 'two minutes above 100',
    })
    const wrist = await device(first, 'wearable', personId, 'wrist-1')
    await wrist.readings([{ n: 'heart_rate', u: 'beat/min', v: 110 }], 1)
    await judged(first, 'readings', 1)
    clock.set(T0 + 60_000)
    await wrist.readings([{ n: 'heart_rate', u: 'beat/min', v: 112 }], 1)
    await judged(first, 'readings', 2)
    await Promise.all(devices.splice(0).map((d) => d.close()))
    await first.close()

    const later = new ManualClock(T0 + 90_000)
    t = await startTestPlatform(dataDir, {}, later)
    const again = new VirtualDevice(wrist.credentials, t.mqttUrl)
    await again.connect()
    devices.push(again)
    await again.readings([{ n: 'heart_rate', u: 'beat/min', v: 111 }], 1)
    await judged(t, 'readings', 1)
    expect((await alertsOf(t, personId)).map((a) => a.kind)).toEqual([])
    // Two minutes after the first reading above the line, not two minutes after the restart.
    later.set(T0 + 120_000)
    await again.readings([{ n: 'heart_rate', u: 'beat/min', v: 113 }], 1)
    const alert = await waitForAlert(t, personId, (a) => a.kind === 'threshold.heart_rate', 'the threshold alert')
    expect(alert).toMatchObject({ priority: 'warning', raisedAt: new Date(T0 + 120_000).toISOString(), summary: 'Pulse 113 beat/min, above 100 beat/min for 2 min' })
  })

  it('keeps a night-door watch in progress across a restart, and raises it on time', async () => {
    const night = Date.parse('2026-06-15T22:00:00Z') // 23:00 in London
    const { t: first, personId, clock } = await start(new ManualClock(night))
    const door = await device(first, 'door-sensor', personId, 'door-1')
    await door.event('door.opened', { door: 'front' })
    await judged(first, 'events', 1)
    clock.set(night + 2 * 60_000)
    await door.event('door.closed', { door: 'front' })
    await judged(first, 'events', 2)
    await Promise.all(devices.splice(0).map((d) => d.close()))
    await first.close()

    const later = new ManualClock(night + 5 * 60_000)
    t = await startTestPlatform(dataDir, {}, later)
    t.platform.tick()
    expect((await alertsOf(t, personId)).map((a) => a.kind)).toEqual([])
    // Fifteen minutes after the door last moved, with no movement indoors since.
    later.set(night + 17 * 60_000)
    t.platform.tick()
    const alert = await waitForAlert(t, personId, (a) => a.kind === 'night.door-exit', 'the night door alert')
    expect(alert).toMatchObject({ priority: 'urgent', deviceId: 'door-1', summary: 'Door opened at night at 23:00 and no movement indoors since (15 min)' })
  })
})
