import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN_PASSWORD } from '../../../harness/test-platform.js'
import { BrowserRig } from '../../helpers/browser-rig.js'

const DAY = 86_400_000

describe('the queue says whose monitoring a planned absence silences, live', { timeout: 120_000 }, () => {
  const rig = new BrowserRig()
  let personId = ''

  beforeAll(async () => {
    const t = await rig.start()
    personId = await t.api.createPerson('Ada Lovelace')
  })
  afterAll(() => rig.close())

  it('shows the note as the absence is planned, with why and by whom, and takes it away when it ends', async () => {
    const page = await rig.signedIn({ username: 'admin', password: ADMIN_PASSWORD })
    await page.getByTestId('queue').waitFor()
    expect(await page.getByTestId('silenced-notes').count()).toBe(0)

    const now = Date.now()
    const planned = await rig.platform.api.request('POST', `/api/persons/${personId}/absences`, { from: new Date(now - 1000).toISOString(), to: new Date(now + 2 * DAY).toISOString(), reason: 'in hospital' })
    const note = page.getByTestId('silenced-note')
    await expect.poll(() => note.count(), { timeout: 10_000 }).toBe(1)
    expect(await note.textContent()).toMatch(/^Ada Lovelace until .+ \(in hospital\), planned by admin$/)
    expect(await page.getByRole('heading', { name: 'Monitoring silenced by a planned absence (1)' }).count()).toBe(1)

    await rig.platform.api.request('POST', `/api/persons/${personId}/absences/${planned.body.id as string}/end`)
    await expect.poll(() => note.count(), { timeout: 10_000 }).toBe(0)
  })
})
