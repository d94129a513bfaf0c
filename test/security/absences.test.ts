import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { removeDir, signedInUser, startTestPlatform, tempDir, type TestApi, type TestPlatform } from '../../harness/test-platform.js'

const DAY = 86_400_000

/** A planned absence silences welfare monitoring: the longer it is, the more senior whoever plans it. */
describe('planning an absence (least privilege)', () => {
  const dataDir = tempDir()
  let t: TestPlatform
  let personId = ''
  let clinician: TestApi
  let supervisor: TestApi

  const plan = (api: TestApi, days: number) => {
    const from = Date.now() + DAY
    return api.request('POST', `/api/persons/${personId}/absences`, { from: new Date(from).toISOString(), to: new Date(from + days * DAY).toISOString(), reason: 'in hospital' })
  }

  beforeAll(async () => {
    t = await startTestPlatform(dataDir)
    personId = await t.api.createPerson('Ada Lovelace')
    clinician = (await signedInUser(t, 'cleo', ['clinician'])).api
    supervisor = (await signedInUser(t, 'sam', ['supervisor'])).api
  })
  afterAll(async () => {
    await t?.close()
    removeDir(dataDir)
  })

  it('lets a clinician plan up to 90 days, and no longer', async () => {
    expect((await plan(clinician, 90)).status).toBe(201)
    const long = await plan(clinician, 91)
    expect(long.status).toBe(400)
    expect(long.body.error.problems).toEqual([{ field: 'to', message: 'longer than 90 days silences monitoring for long: a supervisor plans it (this one is 91 days)' }])
  })

  it('lets a supervisor plan a longer one, up to a year', async () => {
    expect((await plan(supervisor, 200)).status).toBe(201)
    expect((await plan(supervisor, 367)).status).toBe(400)
    const planned = (await t.api.request('GET', `/api/persons/${personId}/absences`)).body.absences
    expect(planned.map((a: { createdBy: string }) => a.createdBy).sort()).toEqual(['cleo', 'sam'])
  })
})
