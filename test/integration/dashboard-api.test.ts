import { afterEach, describe, expect, it } from 'vitest'
import { VirtualDevice } from '../../simulators/virtual-device.js'
import { ManualClock, TestApi, connectLive, eventually, removeDir, startTestPlatform, tempDir, type TestPlatform } from '../../harness/test-platform.js'

const T0 = Date.parse('2026-06-15T09:00:00Z')
const S = 1000

/** The API the responders' and clinicians' dashboard stands on: notes, figures, timeline, admin. */
describe('dashboard API', () => {
  let t: TestPlatform | undefined
  let dataDir: string | undefined
  const devices: VirtualDevice[] = []

  afterEach(async () => {
    await Promise.all(devices.splice(0).map((d) => d.close()))
    await t?.close()
    if (dataDir) removeDir(dataDir)
    t = undefined
  })

  const start = async (clock = new ManualClock(T0)): Promise<TestPlatform> => {
    dataDir = tempDir()
    t = await startTestPlatform(dataDir, {}, clock)
    return t
  }

  const userApi = async (platform: TestPlatform, username: string, roles: string[]): Promise<TestApi> => {
    const created = await platform.api.request('POST', '/api/users', { username, password: `${username}-password-1`, roles })
    expect(created.status).toBe(201)
    const api = new TestApi(platform.httpUrl)
    await api.login(username, `${username}-password-1`)
    return api
  }

  const device = async (platform: TestPlatform, type: 'pendant' | 'fall-detector' | 'motion-sensor', personId: string, id: string): Promise<VirtualDevice> => {
    const d = new VirtualDevice(await platform.api.provision(type, personId, id), platform.mqttUrl)
    await d.connect()
    devices.push(d)
    return d
  }

  const openAlert = (platform: TestPlatform, kind: string): Promise<{ id: string }> =>
    eventually(async () => ((await platform.api.request('GET', '/api/alerts/queue')).body.alerts as Array<{ id: string; kind: string }>).find((a) => a.kind === kind), kind)

  it('lets exactly one of two responders acknowledging at once take the alert, and tells the other who has it', async () => {
    const p = await start()
    const [sam, kim] = [await userApi(p, 'sam', ['responder']), await userApi(p, 'kim', ['responder'])]
    const personId = await p.api.createPerson('Rose Evans')
    await (await device(p, 'pendant', personId, 'pendant-1')).event('alarm.pressed')
    const alert = await openAlert(p, 'alarm.pressed')
    const answers = await Promise.all([sam, kim].map((api) => api.request('POST', `/api/alerts/${alert.id}/acknowledge`)))
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409])
    const winner = answers.find((a) => a.status === 200)?.body.acknowledgedBy as string
    expect(answers.find((a) => a.status === 409)?.body).toEqual({ error: { code: 'conflict', message: `alert ${alert.id} is already acknowledged by ${winner}` } })
  })

  it("keeps responders' notes in the alert's history, and refuses an empty one", async () => {
    const p = await start()
    const sam = await userApi(p, 'sam', ['responder'])
    const personId = await p.api.createPerson('Rose Evans')
    await (await device(p, 'pendant', personId, 'pendant-1')).event('alarm.pressed')
    const alert = await openAlert(p, 'alarm.pressed')
    const note = await sam.request('POST', `/api/alerts/${alert.id}/notes`, { text: 'Rang Rose: she is on the floor, not hurt; daughter on her way.' })
    expect(note).toMatchObject({ status: 201, body: { entry: { action: 'note', by: 'sam', detail: 'Rang Rose: she is on the floor, not hurt; daughter on her way.' } } })
    expect((await sam.request('POST', `/api/alerts/${alert.id}/notes`, { text: '   ' })).body.error).toMatchObject({ code: 'validation_failed', problems: [{ field: 'text' }] })
    expect((await sam.request('POST', '/api/alerts/a-999/notes', { text: 'x' })).status).toBe(404)
    const history = (await sam.request('GET', `/api/alerts/${alert.id}`)).body.history as Array<{ action: string; by: string | null }>
    expect(history.map((h) => [h.action, h.by])).toEqual([
      ['raised', null],
      ['note', 'sam'],
    ])
  })

  it('reports the share of alarm calls answered within 60 s and 180 s, per responder, with the late ones listed', async () => {
    const clock = new ManualClock(T0)
    const p = await start(clock)
    const [sam, kim] = [await userApi(p, 'sam', ['responder']), await userApi(p, 'kim', ['responder'])]
    const press = async (name: string, type: 'pendant' | 'fall-detector', at: number): Promise<string> => {
      clock.set(at)
      const personId = await p.api.createPerson(name)
      const d = await device(p, type, personId, `${type}-${name.split(' ')[0]?.toLowerCase() ?? 'x'}`)
      await d.event(type === 'pendant' ? 'alarm.pressed' : 'fall.detected')
      return (await openAlert(p, type === 'pendant' ? 'alarm.pressed' : 'fall.detected').then(async () => {
        const queue = (await p.api.request('GET', '/api/alerts/queue')).body.alerts as Array<{ id: string; personName: string }>
        return queue.find((a) => a.personName === name)
      }))?.id as string
    }
    const ada = await press('Ada Lovelace', 'pendant', T0)
    clock.set(T0 + 30 * S)
    expect((await sam.request('POST', `/api/alerts/${ada}/acknowledge`)).status).toBe(200)
    const alan = await press('Alan Turing', 'fall-detector', T0 + 60 * S)
    clock.set(T0 + 60 * S + 120 * S)
    expect((await kim.request('POST', `/api/alerts/${alan}/acknowledge`)).status).toBe(200)
    const ivy = await press('Ivy Clarke', 'pendant', T0 + 200 * S)
    clock.set(T0 + 200 * S + 250 * S)
    expect((await sam.request('POST', `/api/alerts/${ivy}/resolve`, { outcome: 'resolved-by-phone' })).status).toBe(200)
    await press('Tom Jones', 'pendant', T0 + 500 * S) // still waiting, 100 s later: not decided yet
    clock.set(T0 + 600 * S)

    const figures = await p.api.request('GET', `/api/figures/answer-times?from=${new Date(T0 - 3600 * S).toISOString()}&to=${new Date(T0 + 3600 * S).toISOString()}`)
    expect(figures.status).toBe(200)
    expect(figures.body.targets).toEqual({ within60s: 0.975, within180s: 0.99 })
    expect(figures.body.overall).toEqual({ alarms: 3, within60s: 1, within180s: 2, share60s: 1 / 3, share180s: 2 / 3 })
    expect(figures.body.byResponder).toEqual([
      { responder: 'kim', alarms: 1, within60s: 0, within180s: 1, share60s: 0, share180s: 1 },
      { responder: 'sam', alarms: 2, within60s: 1, within180s: 1, share60s: 0.5, share180s: 0.5 },
    ])
    expect(figures.body.late).toEqual([
      { alertId: ivy, personId: expect.any(String) as string, personName: 'Ivy Clarke', kind: 'alarm.pressed', raisedAt: new Date(T0 + 200 * S).toISOString(), answeredAfterSeconds: 250, acknowledgedBy: 'sam' },
    ])
    expect((await p.api.request('GET', '/api/figures/answer-times?from=2026-06-15T10:00:00Z&to=2026-06-14T10:00:00Z')).body.error.problems).toEqual([{ field: 'to', message: 'must be after from' }])
  })

  it("puts a person's device events and alert history on one timeline, newest first", async () => {
    const clock = new ManualClock(T0)
    const p = await start(clock)
    const personId = await p.api.createPerson('Rose Evans')
    const motion = await device(p, 'motion-sensor', personId, 'motion-1')
    const pendant = await device(p, 'pendant', personId, 'pendant-1')
    await motion.event('motion', { room: 'kitchen' })
    clock.set(T0 + 60 * S)
    await pendant.event('alarm.pressed')
    const alert = await openAlert(p, 'alarm.pressed')
    clock.set(T0 + 90 * S)
    await p.api.request('POST', `/api/alerts/${alert.id}/acknowledge`)
    const { body } = await p.api.request('GET', `/api/persons/${personId}/timeline`)
    expect((body.items as Array<{ at: string; source: string; type: string; text: string }>).map((i) => [i.at.slice(11, 19), i.source, i.type, i.text])).toEqual([
      ['09:01:30', 'alert', 'acknowledged', 'Alarm pressed: acknowledged'],
      ['09:01:00', 'alert', 'raised', 'Alarm pressed: raised'],
      ['09:01:00', 'event', 'alarm.pressed', 'alarm.pressed'],
      ['09:00:00', 'event', 'motion', 'motion (kitchen)'],
    ])
  })

  it("lets an admin change a user's roles and a supervisor a person's details, and no one else", async () => {
    const p = await start()
    const sam = await userApi(p, 'sam', ['responder'])
    const supervisor = await userApi(p, 'sue', ['supervisor'])
    const users = (await p.api.request('GET', '/api/users')).body.users as Array<{ id: string; username: string }>
    const samId = users.find((u) => u.username === 'sam')?.id as string
    expect(await p.api.request('PATCH', `/api/users/${samId}`, { roles: ['responder', 'clinician'] })).toMatchObject({ status: 200, body: { roles: ['responder', 'clinician'] } })
    expect((await sam.request('GET', '/api/auth/me')).body.roles).toEqual(['responder', 'clinician'])
    expect((await sam.request('PATCH', `/api/users/${samId}`, { roles: ['admin'] })).status).toBe(403)
    expect((await p.api.request('PATCH', `/api/users/${samId}`, { roles: [] })).status).toBe(400)

    // Changing someone's roles ends their live connections: they reconnect under the new roles.
    const live = await connectLive(sam)
    const dropped = new Promise<string>((resolve) => live.once('disconnect', (reason) => resolve(reason)))
    expect((await p.api.request('PATCH', `/api/users/${samId}`, { roles: ['clinician'] })).status).toBe(200)
    expect(await dropped).toBe('io server disconnect')

    const personId = await p.api.createPerson('Rose Evans')
    const changed = await supervisor.request('PATCH', `/api/persons/${personId}`, {
      address: '4 Mill Lane, Hebden Bridge',
      contacts: [{ name: 'Ann Evans', relationship: 'daughter', phone: '07700 900123', keyHolder: true }],
    })
    expect(changed).toMatchObject({ status: 200, body: { name: 'Rose Evans', timeZone: 'Europe/London', address: '4 Mill Lane, Hebden Bridge', contacts: [{ name: 'Ann Evans', keyHolder: true }] } })
    expect((await sam.request('PATCH', `/api/persons/${personId}`, { address: 'elsewhere' })).status).toBe(403)
    // The list names people; medical notes and contacts stay on each person's own page.
    const listed = (await supervisor.request('GET', '/api/persons')).body.persons as Array<Record<string, unknown>>
    expect(listed.find((x) => x.id === personId)).toEqual({
      id: personId,
      name: 'Rose Evans',
      timeZone: 'Europe/London',
      address: '4 Mill Lane, Hebden Bridge',
      createdAt: expect.any(String) as string,
      archivedAt: null,
      archivedBy: null,
      archiveReason: null,
    })
    // The time zone is a care setting: it changes through PATCH /settings, versioned.
    expect((await supervisor.request('PATCH', `/api/persons/${personId}`, { timeZone: 'Europe/Paris' })).body.error.problems).toContainEqual({
      field: '(root)',
      message: 'Unrecognized key: "timeZone"',
    })
  })
})
