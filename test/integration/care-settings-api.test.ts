import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TestApi, removeDir, startTestPlatform, type TestPlatform } from '../../harness/test-platform.js'

const HOUR = 3_600_000
const fields = (body: any): string[] => body.error.problems.map((p: { field: string }) => p.field)

describe('care settings API', () => {
  let t: TestPlatform
  let clinician: TestApi
  let responder: TestApi
  let personId: string

  const signIn = async (username: string, role: string): Promise<TestApi> => {
    const password = `${username}-password-1`
    const created = await t.api.request('POST', '/api/users', { username, password, roles: [role] })
    expect(created.status).toBe(201)
    const api = new TestApi(t.httpUrl)
    await api.login(username, password)
    return api
  }

  beforeAll(async () => {
    t = await startTestPlatform()
    personId = await t.api.createPerson('Ada Lovelace')
    clinician = await signIn('cleo', 'clinician')
    responder = await signIn('sam', 'responder')
  })

  afterAll(async () => {
    await t.close()
    removeDir(t.dataDir)
  })

  it('shows the NEWS2 defaults at version 0', async () => {
    const { status, body } = await responder.request('GET', `/api/persons/${personId}/thresholds`)
    expect(status).toBe(200)
    expect(body).toMatchObject({ personId, version: 0, news2Scale: 1 })
    expect(body.thresholds.map((r: any) => r.metric)).toEqual(['heart_rate', 'respiratory_rate', 'spo2', 'body_temperature', 'systolic_bp'])
    expect(body.thresholds.every((r: any) => r.source === 'default')).toBe(true)
    expect(body.thresholds[0]).toMatchObject({ metric: 'heart_rate', above: 130, below: 41, forSeconds: 300, priority: 'urgent' })
  })

  it('lets a clinician replace thresholds as a new version, the other defaults staying in force', async () => {
    const rule = { metric: 'heart_rate', above: 120, forSeconds: 120 }
    const put = await clinician.request('PUT', `/api/persons/${personId}/thresholds`, { thresholds: [rule], reason: 'beta blockers stopped' })
    expect(put.status).toBe(200)
    expect(put.body.version).toBe(1)
    const { body } = await t.api.request('GET', `/api/persons/${personId}/thresholds`)
    expect(body.version).toBe(1)
    expect(body.thresholds.find((r: any) => r.metric === 'heart_rate')).toEqual({ ...rule, priority: 'urgent', source: 'person' })
    expect(body.thresholds.find((r: any) => r.metric === 'spo2')).toMatchObject({ below: 92, source: 'default' })
    expect(body.thresholds).toHaveLength(5)
  })

  it('keeps a history of who changed what, when, from what, and why', async () => {
    const { status, body } = await responder.request('GET', `/api/persons/${personId}/settings/history`)
    expect(status).toBe(200)
    expect(body.personId).toBe(personId)
    expect(body.versions[0]).toEqual({
      personId,
      version: 1,
      changedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      changedBy: 'cleo',
      reason: 'beta blockers stopped',
      changes: [{ field: 'thresholds.heart_rate', old: null, new: { metric: 'heart_rate', above: 120, forSeconds: 120, priority: 'urgent' } }],
    })
  })

  it('refuses a responder’s changes with 403 and changes nothing', async () => {
    const put = await responder.request('PUT', `/api/persons/${personId}/thresholds`, { thresholds: [], reason: 'no' })
    expect(put).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } })
    const patch = await responder.request('PATCH', `/api/persons/${personId}/settings`, { news2Scale: 2, reason: 'no' })
    expect(patch.status).toBe(403)
    expect((await t.api.request('GET', `/api/persons/${personId}/settings`)).body).toMatchObject({ version: 1, settings: { news2Scale: 1 } })
  })

  it('answers bad thresholds with a 400 naming each field, and writes no version', async () => {
    const put = (body: unknown) => clinician.request('PUT', `/api/persons/${personId}/thresholds`, body)
    const cases: Array<[unknown, string]> = [
      [{ thresholds: [{ metric: 'heart_rate', above: 50, below: 60 }], reason: 'r' }, 'thresholds.0.below'],
      [{ thresholds: [{ metric: 'blood_sugar', above: 10 }], reason: 'r' }, 'thresholds.0.metric'],
      [{ thresholds: [{ metric: 'heart_rate', above: 120, forSeconds: -5 }], reason: 'r' }, 'thresholds.0.forSeconds'],
      [{ thresholds: [{ metric: 'heart_rate', above: 120, clearAbove: 125 }], reason: 'r' }, 'thresholds.0.clearAbove'],
      [{ thresholds: [{ metric: 'heart_rate', above: 120 }] }, 'reason'],
    ]
    for (const [body, field] of cases) {
      const answer = await put(body)
      expect(answer.status, field).toBe(400)
      expect(answer.body.error.code).toBe('validation_failed')
      expect(fields(answer.body)).toContain(field)
    }
    expect((await t.api.request('GET', `/api/persons/${personId}/thresholds`)).body.version).toBe(1)
  })

  it('answers bad settings with a 400 naming each field', async () => {
    const patch = await clinician.request('PATCH', `/api/persons/${personId}/settings`, { timeZone: 'Mars/Olympus_Mons', bedExitMinutes: 0 })
    expect(patch.status).toBe(400)
    expect(fields(patch.body).sort()).toEqual(['bedExitMinutes', 'reason', 'timeZone'])
    const same = await clinician.request('PATCH', `/api/persons/${personId}/settings`, { news2Scale: 1, reason: 'check' })
    expect(same.status).toBe(400)
    expect(same.body.error.message).toContain('nothing changed')
  })

  it('moves the SpO2 default to NEWS2 scale 2 as a new version', async () => {
    const patch = await clinician.request('PATCH', `/api/persons/${personId}/settings`, { news2Scale: 2, reason: 'COPD, hypercapnic' })
    expect(patch).toMatchObject({ status: 200, body: { personId, version: 2, settings: { news2Scale: 2 } } })
    const { body } = await t.api.request('GET', `/api/persons/${personId}/thresholds`)
    expect(body).toMatchObject({ version: 2, news2Scale: 2 })
    expect(body.thresholds.find((r: any) => r.metric === 'spo2')).toMatchObject({ below: 84, clearBelow: 86, source: 'default' })
    expect(body.thresholds.find((r: any) => r.metric === 'heart_rate')).toMatchObject({ above: 120, source: 'person' })
    const history = await t.api.request('GET', `/api/persons/${personId}/settings/history`)
    expect(history.body.versions[0]).toMatchObject({ version: 2, changedBy: 'cleo', changes: [{ field: 'settings.news2Scale', old: 1, new: 2 }] })
  })

  it('shows a time zone change on the person', async () => {
    const patch = await t.api.request('PATCH', `/api/persons/${personId}/settings`, { timeZone: 'America/New_York', reason: 'moved to family' })
    expect(patch).toMatchObject({ status: 200, body: { version: 3, settings: { timeZone: 'America/New_York' } } })
    expect((await t.api.request('GET', `/api/persons/${personId}`)).body.timeZone).toBe('America/New_York')
  })

  it('plans, lists and ends absences', async () => {
    const from = new Date(Date.now() - HOUR).toISOString()
    const to = new Date(Date.now() + 48 * HOUR).toISOString()
    const created = await responder.request('POST', `/api/persons/${personId}/absences`, { from, to, reason: 'in hospital' })
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({ id: expect.stringMatching(/^ab-\d+$/), personId, from, to, reason: 'in hospital', createdBy: 'sam', endedAt: null })
    const listed = await clinician.request('GET', `/api/persons/${personId}/absences`)
    expect(listed.body.absences.map((a: any) => a.id)).toEqual([created.body.id])

    const ended = await responder.request('POST', `/api/persons/${personId}/absences/${created.body.id}/end`)
    expect(ended).toMatchObject({ status: 200, body: { id: created.body.id, endedBy: 'sam', endedAt: expect.any(String) } })
    const again = await responder.request('POST', `/api/persons/${personId}/absences/${created.body.id}/end`)
    expect(again).toMatchObject({ status: 409, body: { error: { code: 'conflict' } } })
  })

  it('refuses an absence that ends before it starts, and one that is not there', async () => {
    const at = '2026-05-01T10:00:00Z'
    const backwards = await t.api.request('POST', `/api/persons/${personId}/absences`, { from: at, to: at, reason: 'x' })
    expect(backwards.status).toBe(400)
    expect(fields(backwards.body)).toEqual(['to'])
    expect((await t.api.request('POST', `/api/persons/${personId}/absences/ab-9999/end`)).status).toBe(404)
    const otherId = await t.api.createPerson('Mary Seacole')
    const theirs = await t.api.request('POST', `/api/persons/${otherId}/absences`, { from: at, to: '2026-05-02T10:00:00Z', reason: 'x' })
    expect((await t.api.request('POST', `/api/persons/${personId}/absences/${theirs.body.id}/end`)).status).toBe(404)
  })

  it('answers 404 for an unknown person on every route', async () => {
    const base = '/api/persons/p-nobody'
    const absence = { from: '2026-05-01T10:00:00Z', to: '2026-05-02T10:00:00Z', reason: 'x' }
    const requests: Array<[string, string, unknown?]> = [
      ['GET', `${base}/thresholds`],
      ['PUT', `${base}/thresholds`, { thresholds: [], reason: 'x' }],
      ['GET', `${base}/settings`],
      ['PATCH', `${base}/settings`, { news2Scale: 2, reason: 'x' }],
      ['GET', `${base}/settings/history`],
      ['POST', `${base}/absences`, absence],
      ['GET', `${base}/absences`],
      ['POST', `${base}/absences/ab-1/end`],
    ]
    for (const [method, path, body] of requests) {
      const answer = await t.api.request(method, path, body)
      expect(answer.status, `${method} ${path}`).toBe(404)
      expect(answer.body.error.code).toBe('not_found')
    }
  })
})
