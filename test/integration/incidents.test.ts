import type { Socket } from 'socket.io-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Alert, Incident, ServerToClientEvents } from '../../contract/index.js'
import { VirtualDevice } from '../../simulators/virtual-device.js'
import { ManualClock, TestApi, connectLive, eventually, removeDir, signedInUser, startTestPlatform, tempDir, type TestPlatform } from '../../harness/test-platform.js'

const MINUTE = 60_000

describe('incidents in the call-handling console', { timeout: 90_000 }, () => {
  const clock = new ManualClock(Date.parse('2026-02-03T10:00:00Z'))
  const dataDir = tempDir()
  let t: TestPlatform
  const people: Record<'ada' | 'bob' | 'cy', string> = { ada: '', bob: '', cy: '' }
  const devices: VirtualDevice[] = []
  let rhea: { id: string; api: TestApi }
  let sol: { id: string; api: TestApi }
  let nurse: { id: string; api: TestApi }
  let supervisor: TestApi
  let outsider: TestApi
  let outsiderId: string
  const sockets: Array<Socket<ServerToClientEvents>> = []
  const seenBy = { sol: [] as Incident[], outsider: [] as Incident[] }
  const toAdasPendant: Array<{ type: string; text?: string }> = []
  const nurseHeard = { alerts: [] as Alert[], incidents: [] as Incident[] }

  const device = async (personId: string, type: 'pendant' | 'fall-detector'): Promise<VirtualDevice> => {
    const d = new VirtualDevice(await t.api.provision(type, personId), t.mqttUrl)
    await d.connect()
    devices.push(d)
    return d
  }
  const queue = async (api: TestApi): Promise<Incident[]> => {
    const res = await api.request('GET', '/api/incidents')
    expect(res.status).toBe(200)
    return res.body.incidents as Incident[]
  }
  /** Waits until the person's incident in the admin's queue has `count` open alerts. */
  const alertsOf = (personId: string, count: number): Promise<Incident> =>
    eventually(async () => (await queue(t.api)).find((i) => i.personId === personId && i.alerts.length === count), `${count} open alerts of ${personId}`)

  beforeAll(async () => {
    t = await startTestPlatform(dataDir, {}, clock)
    people.ada = await t.api.createPerson('Ada Lovelace')
    people.bob = await t.api.createPerson('Bob Marley')
    people.cy = await t.api.createPerson('Cy Twombly')
    rhea = await signedInUser(t, 'rhea', ['responder'])
    sol = await signedInUser(t, 'sol', ['responder'])
    nurse = await signedInUser(t, 'nurse.kim', ['clinician'])
    supervisor = (await signedInUser(t, 'sue', ['supervisor'])).api
    const elsewhere = await t.api.request('POST', '/api/organisations', { name: 'Another alarm centre', kind: 'telecare' })
    expect(elsewhere.status).toBe(201)
    const other = await signedInUser(t, 'otto', ['responder'], elsewhere.body.id as string)
    outsider = other.api
    outsiderId = other.id
    for (const [api, seen] of [
      [sol.api, seenBy.sol],
      [outsider, seenBy.outsider],
    ] as const) {
      const socket = await connectLive(api)
      socket.on('incident', (incident) => seen.push(incident))
      sockets.push(socket)
    }

    // A clinician who follows the people's alerts, not the console.
    const nurseSocket = await connectLive(nurse.api)
    nurseSocket.on('incident', (incident) => nurseHeard.incidents.push(incident))
    nurseSocket.on('alert', (alert) => nurseHeard.alerts.push(alert))
    sockets.push(nurseSocket)

    // Bob's missed dose first (a warning), then Ada's pendant and fall, then Cy's pendant.
    await (await device(people.bob, 'pendant')).event('medication.missed', { dose: 'evening' })
    await alertsOf(people.bob, 1)
    clock.set(clock.now() + MINUTE)
    const adaPendant = await device(people.ada, 'pendant')
    adaPendant.on('command', (command: { type: string; text?: string }) => toAdasPendant.push(command))
    await adaPendant.event('alarm.pressed')
    await alertsOf(people.ada, 1)
    clock.set(clock.now() + MINUTE)
    await (await device(people.ada, 'fall-detector')).event('fall.detected')
    await alertsOf(people.ada, 2)
    clock.set(clock.now() + MINUTE)
    await (await device(people.cy, 'pendant')).event('alarm.pressed')
    await alertsOf(people.cy, 1)
  })
  afterAll(async () => {
    for (const socket of sockets) socket.close()
    for (const d of devices) await d.close()
    await t?.close()
    removeDir(dataDir)
  })

  it('gathers all open alerts of one person under one incident, emergencies first, oldest first', async () => {
    const incidents = await queue(rhea.api)
    expect(incidents.map((i) => [i.person.name, i.priority, i.alerts.length, i.heldBy])).toEqual([
      ['Ada Lovelace', 'emergency', 2, null],
      ['Cy Twombly', 'emergency', 1, null],
      ['Bob Marley', 'warning', 1, null],
    ])
    const ada = incidents[0] as Incident
    expect(ada.alerts.map((a) => a.kind).sort()).toEqual(['alarm.pressed', 'fall.detected'])
    expect(ada.oldestRaisedAt).toBe('2026-02-03T10:01:00.000Z')
  })

  it("sends the console's incidents to the desk only: a clinician following the alerts hears the alerts, not who holds them or the notes", async () => {
    await eventually(() => (nurseHeard.alerts.length >= 4 ? true : undefined), "the clinician's alerts")
    expect(seenBy.sol.length).toBeGreaterThan(0)
    expect(nurseHeard.incidents).toEqual([])
    expect((await nurse.api.request('GET', '/api/incidents')).status).toBe(403)
  })

  it('gives each responder in turn a different person, emergencies first, and says who holds each', async () => {
    const first = await rhea.api.request('POST', '/api/incidents/take-next')
    expect(first.status).toBe(200)
    expect(first.body).toMatchObject({ personId: people.ada, heldBy: { userId: rhea.id }, heldSince: '2026-02-03T10:03:00.000Z' })
    // Taking answers the alarms: both alerts are acknowledged as the responder's.
    expect((first.body as Incident).alerts.map((a) => [a.status, a.acknowledgedBy])).toEqual([
      ['acknowledged', 'rhea'],
      ['acknowledged', 'rhea'],
    ])
    // Ada's pendant is told her call was answered, as acknowledging the alarm alone does.
    await eventually(() => toAdasPendant.find((c) => c.type === 'alarm.acknowledged'), "the pendant's acknowledgement")

    const second = await sol.api.request('POST', '/api/incidents/take-next')
    expect(second.status).toBe(200)
    expect(second.body).toMatchObject({ personId: people.cy, heldBy: { userId: sol.id } })

    const third = await rhea.api.request('POST', '/api/incidents/take-next')
    expect(third.body).toMatchObject({ personId: people.bob, priority: 'warning', heldBy: { userId: rhea.id } })
    expect((await sol.api.request('POST', '/api/incidents/take-next')).status).toBe(204)

    const seen = await queue(sol.api)
    expect(seen.map((i) => [i.person.name, i.heldBy?.userId])).toEqual([
      ['Ada Lovelace', rhea.id],
      ['Cy Twombly', sol.id],
      ['Bob Marley', rhea.id],
    ])
  })

  it('refuses a second responder an incident someone holds, naming the holder', async () => {
    const holder = (await queue(sol.api)).find((i) => i.personId === people.ada)?.heldBy?.displayName as string
    expect(holder).toBeTruthy()
    const taken = await sol.api.request('POST', `/api/incidents/${people.ada}/take`, {})
    expect(taken.status).toBe(409)
    expect(taken.body.error.code).toBe('conflict')
    expect(taken.body.error.message).toContain(holder)
    // Only a supervisor takes one over.
    expect((await sol.api.request('POST', `/api/incidents/${people.ada}/take`, { force: true })).status).toBe(403)
    expect((await queue(t.api)).find((i) => i.personId === people.ada)?.heldBy?.userId).toBe(rhea.id)
  })

  it('lets a supervisor take over a held incident, and put it back in the queue', async () => {
    const over = await supervisor.request('POST', `/api/incidents/${people.cy}/take`, { force: true })
    expect(over.status).toBe(200)
    expect(over.body.heldBy.displayName).toBe('sue')
    expect((await sol.api.request('POST', `/api/incidents/${people.cy}/release`, {})).status).toBe(409)
    const back = await supervisor.request('POST', `/api/incidents/${people.cy}/release`, {})
    expect(back.body).toMatchObject({ personId: people.cy, heldBy: null })
    expect((await sol.api.request('POST', '/api/incidents/take-next')).body).toMatchObject({ personId: people.cy, heldBy: { userId: sol.id } })
  })

  it('keeps a new alert of a held incident in it, still held', async () => {
    const bobPendant = devices[0] as VirtualDevice
    await bobPendant.event('alarm.pressed')
    const bob = await alertsOf(people.bob, 2)
    expect(bob).toMatchObject({ priority: 'emergency', heldBy: { userId: rhea.id } })
    const joined = await eventually(() => seenBy.sol.find((i) => i.personId === people.bob && i.alerts.length === 2), 'the live incident with the new alert')
    expect(joined.heldBy?.userId).toBe(rhea.id)
  })

  it('hands an incident to a named colleague, who is told live', async () => {
    expect((await rhea.api.request('POST', `/api/incidents/${people.ada}/transfer`, { toUserId: outsiderId })).status).toBe(404)
    const toNurse = await rhea.api.request('POST', `/api/incidents/${people.ada}/transfer`, { toUserId: nurse.id })
    expect(toNurse.status).toBe(400)
    expect(toNurse.body.error.problems.map((p: { field: string }) => p.field)).toEqual(['toUserId'])
    // Only the holder (or a supervisor) hands it on.
    expect((await sol.api.request('POST', `/api/incidents/${people.ada}/transfer`, { toUserId: sol.id })).status).toBe(409)

    const before = seenBy.sol.length
    const moved = await rhea.api.request('POST', `/api/incidents/${people.ada}/transfer`, { toUserId: sol.id, note: 'going on break' })
    expect(moved.status).toBe(200)
    expect(moved.body).toMatchObject({ personId: people.ada, heldBy: { userId: sol.id } })
    const told = await eventually(() => seenBy.sol.slice(before).find((i) => i.personId === people.ada && i.heldBy?.userId === sol.id), 'the live incident for the new holder')
    expect(told.alerts).toHaveLength(2)

    // The hand-over is on Ada's record, and in the audit log.
    const history = await sol.api.request('GET', `/api/alerts/${(told.alerts[0] as Alert).id}`)
    expect(history.body.history.map((h: { detail: string | null }) => h.detail)).toContain(`Incident handed to ${told.heldBy?.displayName}: going on break`)
    const log = await supervisor.request('GET', `/api/persons/${people.ada}/access-log`)
    expect(log.status).toBe(200)
    const done = (log.body as Array<{ action: string; username: string }>).map((e) => `${e.action} ${e.username}`)
    expect(done).toEqual(expect.arrayContaining(['incident.taken rhea', 'alert.acknowledged rhea', 'incident.transferred rhea']))
  })

  it('shows nothing of it to a responder of another organisation', async () => {
    expect(await queue(outsider)).toEqual([])
    expect((await outsider.request('POST', '/api/incidents/take-next')).status).toBe(204)
    expect((await outsider.request('POST', `/api/incidents/${people.ada}/take`, {})).status).toBe(404)
    expect((await outsider.request('POST', `/api/incidents/${people.ada}/transfer`, { toUserId: outsiderId })).status).toBe(404)
    expect(seenBy.sol.length).toBeGreaterThan(0)
    expect(seenBy.outsider).toEqual([])
  })

  it('releases the incident when all its alerts are resolved', async () => {
    const ada = (await queue(sol.api)).find((i) => i.personId === people.ada) as Incident
    const [one, two] = ada.alerts as [Alert, Alert]
    expect((await sol.api.request('POST', `/api/alerts/${one.id}/resolve`, { outcome: 'resolved-by-phone' })).status).toBe(200)
    expect((await queue(sol.api)).find((i) => i.personId === people.ada)).toMatchObject({ alerts: [{ id: two.id }], heldBy: { userId: sol.id } })

    const before = seenBy.sol.length
    expect((await sol.api.request('POST', `/api/alerts/${two.id}/resolve`, { outcome: 'resolved-by-phone' })).status).toBe(200)
    const released = await eventually(() => seenBy.sol.slice(before).find((i) => i.personId === people.ada && i.alerts.length === 0), 'the live release')
    expect(released.heldBy).toBeNull()
    expect((await queue(sol.api)).map((i) => i.personId)).not.toContain(people.ada)
    // A new alarm of Ada's is a new incident nobody holds.
    await (devices[1] as VirtualDevice).event('alarm.pressed')
    expect((await alertsOf(people.ada, 1)).heldBy).toBeNull()
  })

  it('puts the incidents of a responder disabled since back in the queue', async () => {
    expect((await queue(sol.api)).find((i) => i.personId === people.bob)?.heldBy?.userId).toBe(rhea.id)
    expect((await t.api.request('PATCH', `/api/users/${rhea.id}`, { disabled: true })).status).toBe(200)
    expect((await queue(sol.api)).find((i) => i.personId === people.bob)?.heldBy).toBeNull()
    expect((await sol.api.request('POST', `/api/incidents/${people.bob}/take`, {})).body).toMatchObject({ personId: people.bob, heldBy: { userId: sol.id } })
  })
})
