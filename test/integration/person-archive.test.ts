import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Alert, FollowUp } from '../../contract/index.js'
import { VirtualDevice } from '../../simulators/virtual-device.js'
import { ManualClock, eventually, removeDir, signedInUser, startTestPlatform, tempDir, type TestApi, type TestPlatform } from '../../harness/test-platform.js'

const HOUR = 3_600_000
const MORNING = Date.parse('2026-06-15T05:00:00Z') // 06:00 in London
const NEXT_DAY = MORNING + 24 * HOUR

describe('archiving a person: kept for the record, out of the lists and of monitoring', { timeout: 60_000 }, () => {
  const dataDir = tempDir()
  const clock = new ManualClock(MORNING)
  let t: TestPlatform
  let sam: TestApi
  let rita: TestApi
  let otto: TestApi
  let ada = ''
  let sensor: VirtualDevice
  let inactivityAlert = ''
  const devices: VirtualDevice[] = []

  const alertsOf = async (personId: string): Promise<Alert[]> => (await sam.request('GET', `/api/persons/${personId}`)).body.alerts
  const waitForAlert = (personId: string, match: (a: Alert) => boolean, what: string): Promise<Alert> => eventually(async () => (await alertsOf(personId)).find(match), what)
  const archive = (api: TestApi, reason = 'Moved to Elm Court care home') => api.request('POST', `/api/persons/${ada}/archive`, { reason })
  const connected = async (credentials: { id: string; secret: string }): Promise<VirtualDevice> => {
    const device = new VirtualDevice(credentials, t.mqttUrl)
    await device.connect()
    devices.push(device)
    return device
  }

  beforeAll(async () => {
    // Sessions outlast the simulated day.
    t = await startTestPlatform(dataDir, { HEARTH_SESSION_HOURS: '72' }, clock)
    const organisationId = (await t.api.request('GET', '/api/auth/me')).body.user.organisationId as string
    const elsewhere = (await t.api.request('POST', '/api/organisations', { name: 'Northside Telecare', kind: 'telecare' })).body.id as string
    sam = (await signedInUser(t, 'sam', ['supervisor'], organisationId)).api
    rita = (await signedInUser(t, 'rita', ['responder'], organisationId)).api
    otto = (await signedInUser(t, 'otto', ['supervisor'], elsewhere)).api
    ada = await t.api.createPerson('Ada Lovelace')
    sensor = await connected(await t.api.provision('motion-sensor', ada, 'motion-1'))
    clock.set(MORNING + HOUR / 2)
    await sensor.event('motion', { room: 'kitchen' })
    // 10:00: three quiet hours since the day began at 07:00.
    clock.set(MORNING + 4 * HOUR)
    t.platform.tick()
    await waitForAlert(ada, (a) => a.kind === 'inactivity', 'the inactivity alert while Ada is monitored')
  })
  afterAll(async () => {
    await Promise.all(devices.map((d) => d.close()))
    await t?.close()
    removeDir(dataDir)
  })

  it("lets only the monitoring service's admins and supervisors archive: a responder is refused, outsiders find no one", async () => {
    expect((await archive(rita)).status).toBe(403)
    expect((await archive(otto)).status).toBe(404)
    expect((await otto.request('POST', `/api/persons/${ada}/unarchive`, {})).status).toBe(404)
    expect((await archive(sam, ' ')).status).toBe(400)
    expect((await sam.request('GET', `/api/persons/${ada}`)).body.archivedAt).toBeNull()
  })

  it('refuses to archive while a device is provisioned or an alert is open, and archives once both are ended', async () => {
    const withDevice = await archive(sam)
    expect(withDevice.status).toBe(409)
    expect(withDevice.body.error.message).toMatch(/^devices still provisioned: motion-1;/)
    clock.set(MORNING + 4.5 * HOUR)
    await sensor.event('motion', { room: 'hallway' })
    const quiet = await waitForAlert(ada, (a) => a.kind === 'inactivity' && a.clearedAt !== null, 'the movement noted')
    // The sensor is collected: switched off, then deprovisioned.
    await sensor.close()
    expect((await sam.request('DELETE', '/api/devices/motion-1')).status).toBe(200)

    const withAlert = await archive(sam)
    expect(withAlert.status).toBe(409)
    expect(withAlert.body.error.message).toBe(`alerts still open: ${quiet.id}; resolve them first, then archive`)
    expect((await sam.request('POST', `/api/alerts/${quiet.id}/resolve`, { outcome: 'resolved-by-phone', note: 'Ada was out in the garden' })).status).toBe(200)
    // Calls still to come do not hold the archive up: archiving cancels them.
    for (const [inMinutes, note] of [[120, 'Check Ada is back indoors'], [24 * 60, 'Ask Ada how the move went']] as const) {
      expect((await rita.request('POST', `/api/alerts/${quiet.id}/follow-ups`, { inMinutes, note })).status).toBe(201)
    }
    inactivityAlert = quiet.id

    const archived = await archive(sam)
    expect(archived).toMatchObject({
      status: 200,
      body: { id: ada, archivedAt: new Date(clock.now()).toISOString(), archivedBy: 'sam', archiveReason: 'Moved to Elm Court care home' },
    })
    expect((await archive(sam)).status).toBe(409)
  })

  it('leaves an archived person out of the people list, and readable by id with when and why', async () => {
    const listed = async (path: string) => ((await sam.request('GET', path)).body.persons as Array<{ id: string; archivedAt: string | null }>).find((p) => p.id === ada)
    expect(await listed('/api/persons')).toBeUndefined()
    expect(await listed('/api/persons?include=archived')).toMatchObject({ archivedAt: new Date(clock.now()).toISOString() })
    const record = await sam.request('GET', `/api/persons/${ada}`)
    expect(record.body).toMatchObject({ name: 'Ada Lovelace', archiveReason: 'Moved to Elm Court care home', archivedBy: 'sam', devices: [] })
    // What happened stays on the record: the inactivity alert, and the sensor's offline alert, closed when it spoke again.
    expect(record.body.alerts.map((a: Alert) => [a.kind, a.status])).toEqual([
      ['device.offline', 'resolved'],
      ['inactivity', 'resolved'],
    ])
    const log = (await t.api.request('GET', `/api/persons/${ada}/access-log`)).body as Array<{ action: string; username: string; reason: string | null }>
    expect(log.find((e) => e.action === 'person.archived')).toMatchObject({ username: 'sam', reason: 'Moved to Elm Court care home' })
    const device = await sam.request('POST', '/api/devices', { type: 'pendant', personId: ada })
    expect(device.status).toBe(409)
    expect(device.body.error.message).toMatch(/is archived/)
  })

  it('cancels the follow-ups still to come, by whoever archived, so none is raised after its time; no new one is set', async () => {
    const followUps = (await rita.request('GET', `/api/alerts/${inactivityAlert}/follow-ups`)).body.followUps as FollowUp[]
    expect(followUps.map((f) => [f.note, f.status, f.cancelledBy])).toEqual([
      ['Check Ada is back indoors', 'cancelled', 'sam'],
      ['Ask Ada how the move went', 'cancelled', 'sam'],
    ])
    const log = ((await sam.request('GET', `/api/alerts/${inactivityAlert}`)).body.history as Array<{ by: string; detail: string | null }>).filter((e) => e.detail?.includes('cancelled'))
    // When each was due, in Ada's own time (Europe/London): "Tue 3 Feb, 14:00".
    const local = (iso: string) => new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: 'Europe/London' }).format(new Date(iso))
    expect(log.map((e) => [e.by, e.detail])).toEqual(followUps.map((f) => ['sam', `follow-up due ${local(f.dueAt)} cancelled: ${f.note} (Ada Lovelace archived)`]))
    expect(log[0]?.detail).toMatch(/^follow-up due \w{3} \d{1,2} \w{3}, \d\d:\d\d cancelled/)
    const refused = await rita.request('POST', `/api/alerts/${inactivityAlert}/follow-ups`, { inMinutes: 30, note: 'One more call' })
    expect(refused.status).toBe(409)
    expect(refused.body.error.message).toMatch(/is archived/)

    // Past the time of both: nothing is raised for Ada.
    clock.set(clock.now() + 25 * HOUR)
    t.platform.tick()
    expect((await sam.request('GET', '/api/alerts?status=all')).body.alerts.filter((a: Alert) => a.kind === 'follow-up.due')).toEqual([])
    const audit = (await t.api.request('GET', `/api/persons/${ada}/access-log`)).body as Array<{ action: string; username: string; reason: string | null }>
    expect(audit.filter((e) => e.action === 'alert.follow-up-cancelled').map((e) => [e.username, e.reason])).toEqual([
      ['sam', 'person archived'],
      ['sam', 'person archived'],
    ])
  })

  it('raises no welfare alert for an archived person, and watches them again once brought back', async () => {
    // Noon the next day: five quiet hours since the day began, which the inactivity rule would have raised.
    clock.set(NEXT_DAY + 6 * HOUR)
    t.platform.tick()
    expect((await alertsOf(ada)).filter((a) => a.status !== 'resolved')).toEqual([])
    expect((await sam.request('GET', '/api/alerts?status=open')).body.alerts.filter((a: Alert) => a.personId === ada)).toEqual([])

    const back = await sam.request('POST', `/api/persons/${ada}/unarchive`, { reason: 'Returned home from respite' })
    expect(back).toMatchObject({ status: 200, body: { archivedAt: null, archiveReason: null } })
    expect((await sam.request('POST', `/api/persons/${ada}/unarchive`, {})).status).toBe(409)
    const again = await connected(await t.api.provision('motion-sensor', ada, 'motion-2'))
    await again.event('motion', { room: 'lounge' })
    await eventually(async () => ((await t.api.metrics()).body.includes('hearth_rule_inputs_total{input="events"} 3') ? true : undefined), 'the motion judged')
    clock.set(NEXT_DAY + 10 * HOUR)
    t.platform.tick()
    const raised = await waitForAlert(ada, (a) => a.kind === 'inactivity' && a.status === 'raised', 'inactivity raised again')
    expect(raised.summary).toMatch(/^No movement for 4 h since the last activity at 12:00/)
    const log = (await t.api.request('GET', `/api/persons/${ada}/access-log`)).body as Array<{ action: string; reason: string | null }>
    expect(log.find((e) => e.action === 'person.unarchived')).toMatchObject({ reason: 'Returned home from respite' })
  })
})
