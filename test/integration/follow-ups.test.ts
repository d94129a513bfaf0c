import type { Socket } from 'socket.io-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Alert, ServerToClientEvents, TimelineItem } from '../../contract/index.js'
import { VirtualDevice } from '../../simulators/virtual-device.js'
import { ManualClock, TestApi, connectLive, eventually, raisedBy, nextAlert, removeDir, signedInUser, startTestPlatform, tempDir, type TestPlatform } from '../../harness/test-platform.js'

const fields = (body: any): string[] => body.error.problems.map((p: { field: string }) => p.field)

const START = Date.parse('2026-02-10T09:00:00Z')
const MINUTE = 60_000
const HOUR = 60 * MINUTE

describe('follow-ups: "call back in 2 hours to check"', { timeout: 90_000 }, () => {
  const clock = new ManualClock(START)
  const dataDir = tempDir()
  let t: TestPlatform
  let ada: string
  let pendant: VirtualDevice
  let pendantCredentials: { id: string; secret: string }
  let responder: TestApi
  const sockets: Array<Socket<ServerToClientEvents>> = []

  const openAlerts = async (): Promise<Alert[]> => (await responder.request('GET', '/api/alerts?status=open')).body.alerts as Alert[]
  const followUpAlerts = async (): Promise<Alert[]> => (await openAlerts()).filter((a) => a.kind === 'follow-up.due')
  /** A new alarm from Ada's pendant, as the responder sees it in the queue. */
  const pressed = (): Promise<Alert> => raisedBy(responder, () => pendant.event('alarm.pressed'), 'the alarm in the queue', (a) => a.kind === 'alarm.pressed')
  const live = async (): Promise<Socket<ServerToClientEvents>> => {
    const socket = await connectLive(responder)
    sockets.push(socket)
    return socket
  }
  const signIn = async (username: string): Promise<TestApi> => {
    const api = new TestApi(t.httpUrl)
    await api.login(username, `${username}-password-1`)
    return api
  }

  beforeAll(async () => {
    t = await startTestPlatform(dataDir, {}, clock)
    ada = await t.api.createPerson('Ada Lovelace')
    responder = (await signedInUser(t, 'resp.kim', ['responder'])).api
    pendantCredentials = await t.api.provision('pendant', ada, 'pendant-ada')
    pendant = new VirtualDevice(pendantCredentials, t.mqttUrl)
    await pendant.connect()
  })
  afterAll(async () => {
    for (const socket of sockets) socket.close()
    await pendant?.close()
    await t?.close()
    removeDir(dataDir)
  })

  it('lands in the queue and on the live feed at its time, not before, with the note and the history', async () => {
    const alarm = await pressed()
    expect((await responder.request('POST', `/api/alerts/${alarm.id}/resolve`, { outcome: 'resolved-by-phone', note: 'felt dizzy, sitting down now' })).status).toBe(200)
    const set = await responder.request('POST', `/api/alerts/${alarm.id}/follow-ups`, { inMinutes: 120, note: 'Check Ada is still feeling steady' })
    expect(set.status).toBe(201)
    expect(set.body).toMatchObject({ alertId: alarm.id, personId: ada, status: 'pending', dueAt: new Date(clock.now() + 2 * HOUR).toISOString(), createdBy: 'resp.kim', raisedAlertId: null })

    // A minute short of the time: nothing, however often the platform looks.
    clock.set(START + 2 * HOUR - MINUTE)
    t.platform.tick()
    expect(await followUpAlerts()).toEqual([])
    expect((await responder.request('GET', `/api/alerts/${alarm.id}/follow-ups`)).body.followUps.map((f: any) => f.status)).toEqual(['pending'])

    const socket = await live()
    const arriving = nextAlert(socket, (a) => a.kind === 'follow-up.due')
    clock.set(START + 2 * HOUR + 1000)
    const due = await arriving
    expect(due).toMatchObject({ personId: ada, personName: 'Ada Lovelace', priority: 'urgent', status: 'raised', followUpOf: alarm.id, deviceId: 'pendant-ada' })
    expect(due.summary).toContain('Check Ada is still feeling steady')
    expect((await followUpAlerts()).map((a) => a.id)).toEqual([due.id])
    expect((await responder.request('GET', `/api/alerts/${alarm.id}/follow-ups`)).body.followUps).toMatchObject([{ status: 'raised', raisedAlertId: due.id }])

    // The history goes with it: the original alert's log shows how it ended and the follow-up set.
    const original = (await responder.request('GET', `/api/alerts/${alarm.id}`)).body
    const log = JSON.stringify(original)
    expect(log).toContain('felt dizzy, sitting down now')
    expect(log).toContain('Check Ada is still feeling steady')
    expect((await responder.request('POST', `/api/alerts/${due.id}/resolve`, { outcome: 'resolved-by-phone' })).status).toBe(200)
  })

  it('a cancelled follow-up never lands; one raised or cancelled cannot be cancelled again', async () => {
    const alarm = await pressed()
    const set = await responder.request('POST', `/api/alerts/${alarm.id}/follow-ups`, { inMinutes: 30, note: 'Ring back about the doctor' })
    expect(set.status).toBe(201)
    const cancelled = await responder.request('DELETE', `/api/follow-ups/${set.body.id}`)
    expect(cancelled).toMatchObject({ status: 200, body: { status: 'cancelled', cancelledBy: 'resp.kim' } })
    expect((await responder.request('DELETE', `/api/follow-ups/${set.body.id}`)).status).toBe(409)
    expect((await responder.request('DELETE', '/api/follow-ups/fu-000000000000')).status).toBe(404)

    clock.set(clock.now() + HOUR)
    t.platform.tick()
    expect(await followUpAlerts()).toEqual([])
    expect((await responder.request('GET', `/api/alerts/${alarm.id}/follow-ups`)).body.followUps.map((f: any) => f.status)).toEqual(['cancelled'])
    expect((await responder.request('POST', `/api/alerts/${alarm.id}/resolve`, { outcome: 'false-alarm' })).status).toBe(200)
  })

  it('refuses bad bodies with what is wrong, and callers outside the desk', async () => {
    const alarm = await pressed()
    const post = (body: unknown) => responder.request('POST', `/api/alerts/${alarm.id}/follow-ups`, body)
    const noNote = await post({ inMinutes: 120 })
    expect(noNote.status).toBe(400)
    expect(fields(noNote.body)).toContain('note')
    expect(fields((await post({ note: 'check' })).body)).toContain('inMinutes')
    expect((await post({ inMinutes: 10, dueAt: new Date(clock.now() + HOUR).toISOString(), note: 'both' })).status).toBe(400)
    expect((await post({ inMinutes: 0, note: 'now' })).status).toBe(400)
    expect((await post({ inMinutes: 8 * 24 * 60, note: 'too far' })).status).toBe(400)
    const past = await post({ dueAt: new Date(clock.now() - MINUTE).toISOString(), note: 'yesterday' })
    expect(past.status).toBe(400)
    expect(fields(past.body)).toEqual(['dueAt'])
    expect((await post({ dueAt: 'tomorrow', note: 'vague' })).status).toBe(400)
    expect((await post({ inMinutes: 60, note: 'check', extra: true })).status).toBe(400)
    expect((await post({ dueAt: new Date(clock.now() + 3 * HOUR).toISOString(), note: 'at three' })).status).toBe(201)
    expect((await responder.request('POST', '/api/alerts/a-999999/follow-ups', { inMinutes: 60, note: 'x' })).status).toBe(404)

    const nurse = (await signedInUser(t, 'nurse.follow', ['clinician'])).api
    expect((await nurse.request('POST', `/api/alerts/${alarm.id}/follow-ups`, { inMinutes: 60, note: 'x' })).status).toBe(403)
    expect((await responder.request('POST', `/api/alerts/${alarm.id}/resolve`, { outcome: 'false-alarm' })).status).toBe(200)
  })

  it('records a mobile responder arriving and clearing, on the alert and the timeline', async () => {
    const alarm = await pressed()
    const arrived = await responder.request('POST', `/api/alerts/${alarm.id}/attendance`, { event: 'arrived', by: 'Lee Mobile', note: 'let in by key safe' })
    expect(arrived).toMatchObject({ status: 201, body: { event: 'arrived', responder: 'Lee Mobile', recordedBy: 'resp.kim', note: 'let in by key safe' } })
    clock.set(clock.now() + 40 * MINUTE)
    expect((await responder.request('POST', `/api/alerts/${alarm.id}/attendance`, { event: 'cleared', by: 'Lee Mobile' })).status).toBe(201)
    expect((await responder.request('POST', `/api/alerts/${alarm.id}/attendance`, { event: 'left' })).status).toBe(400)

    const listed = (await responder.request('GET', `/api/alerts/${alarm.id}/attendance`)).body.attendance
    expect(listed.map((a: any) => [a.event, a.responder])).toEqual([
      ['arrived', 'Lee Mobile'],
      ['cleared', 'Lee Mobile'],
    ])
    const timeline = (await t.api.request('GET', `/api/persons/${ada}/timeline`)).body.items as TimelineItem[]
    const texts = timeline.filter((i) => i.alertId === alarm.id && i.type === 'attendance').map((i) => i.text)
    expect(texts).toHaveLength(2)
    expect(texts[0]).toContain('Lee Mobile cleared')
    expect(texts[1]).toContain('Lee Mobile arrived: let in by key safe')
    expect((await responder.request('POST', `/api/alerts/${alarm.id}/resolve`, { outcome: 'responder-visited' })).status).toBe(200)
  })

  it('a follow-up set before a restart still lands after it, on the same data folder', async () => {
    const alarm = await pressed()
    const set = await responder.request('POST', `/api/alerts/${alarm.id}/follow-ups`, { inMinutes: 90, note: 'See whether the carer came' })
    expect(set.status).toBe(201)
    for (const socket of sockets.splice(0)) socket.close()
    await pendant.close()
    await t.close()

    // Hearth was down when it fell due: it is raised as the platform starts.
    clock.set(clock.now() + 2 * HOUR)
    t = await startTestPlatform(dataDir, {}, clock)
    responder = await signIn('resp.kim')
    pendant = new VirtualDevice(pendantCredentials, t.mqttUrl)
    await pendant.connect()
    const landed = await eventually(async () => (await followUpAlerts()).find((a) => a.followUpOf === alarm.id), 'the follow-up after the restart')
    expect(landed.summary).toContain('See whether the carer came')
    expect((await responder.request('GET', `/api/alerts/${alarm.id}/follow-ups`)).body.followUps).toMatchObject([{ status: 'raised', raisedAlertId: landed.id }])
  })
})
