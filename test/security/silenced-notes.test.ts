import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { io } from 'socket.io-client'
import { removeDir, signedInUser, startTestPlatform, tempDir, type TestApi, type TestPlatform } from '../../harness/test-platform.js'

const DAY = 86_400_000

/** An absence silences welfare monitoring: the queue of everyone who follows the person's alerts says so, live. */
describe('absences in force, on the responders\' queue', () => {
  const dataDir = tempDir()
  let t: TestPlatform
  let ada = ''
  let bob = ''
  let responder: TestApi

  beforeAll(async () => {
    t = await startTestPlatform(dataDir)
    ada = await t.api.createPerson('Ada Lovelace')
    bob = await t.api.createPerson('Bob Marley')
    responder = (await signedInUser(t, 'rory', ['responder'])).api
  })
  afterAll(async () => {
    await t?.close()
    removeDir(dataDir)
  })

  it('lists the absences in force, pushes a new one and its end live, and shows why only to those who may read it', async () => {
    const live = io(t.httpUrl, { transports: ['websocket'], reconnection: false, extraHeaders: { cookie: responder.cookie } })
    await new Promise<void>((resolve) => live.once('ready', () => resolve()))
    const pushed: Array<{ personName: string; endedAt: string | null; reason: string | null }> = []
    live.on('silenced', (notice) => pushed.push(notice))

    const now = Date.now()
    const planned = await t.api.request('POST', `/api/persons/${ada}/absences`, { from: new Date(now - 1000).toISOString(), to: new Date(now + 3 * DAY).toISOString(), reason: 'in hospital' })
    expect(planned.status).toBe(201)
    // One that has not begun yet is not silencing anything now.
    await t.api.request('POST', `/api/persons/${bob}/absences`, { from: new Date(now + DAY).toISOString(), to: new Date(now + 2 * DAY).toISOString(), reason: 'holiday' })

    const seen = (await responder.request('GET', '/api/absences/in-force')).body.silenced
    expect(seen).toEqual([{ absenceId: planned.body.id, personId: ada, personName: 'Ada Lovelace', from: planned.body.from, to: planned.body.to, reason: 'in hospital', createdBy: 'admin', endedAt: null }])
    await expect.poll(() => pushed.length).toBeGreaterThanOrEqual(1)
    expect(pushed[0]).toMatchObject({ personName: 'Ada Lovelace', endedAt: null })

    expect((await t.api.request('POST', `/api/persons/${ada}/absences/${planned.body.id as string}/end`)).status).toBe(200)
    await expect.poll(() => pushed.some((n) => n.endedAt !== null)).toBe(true)
    expect((await responder.request('GET', '/api/absences/in-force')).body.silenced).toEqual([])
    live.close()
  })

  it('shows nobody outside the person\'s circle, and no reason without the scope to read absences', async () => {
    const now = Date.now()
    const made = await t.api.request('POST', '/api/organisations', { name: 'Elsewhere Telecare', kind: 'telecare' })
    const { api: outsider } = await signedInUser(t, 'otto', ['responder'], made.body.id as string)
    await t.api.request('POST', `/api/persons/${bob}/absences`, { from: new Date(now - 1000).toISOString(), to: new Date(now + DAY).toISOString(), reason: 'respite care' })
    expect((await outsider.request('GET', '/api/absences/in-force')).body.silenced).toEqual([])

    // The outsider's organisation joins Bob's circle for his alerts only.
    expect((await t.api.request('POST', `/api/persons/${bob}/circle`, { organisationId: made.body.id, relationship: 'out-of-hours alarm centre', scopes: ['alerts'], basis: 'direct-care' })).status).toBe(201)
    expect((await outsider.request('GET', '/api/absences/in-force')).body.silenced).toEqual([expect.objectContaining({ personName: 'Bob Marley', reason: null })])
  })
})
