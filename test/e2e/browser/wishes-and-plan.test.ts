import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN_PASSWORD } from '../../../harness/test-platform.js'
import { seriousViolations } from '../../helpers/browser.js'
import { BrowserRig } from '../../helpers/browser-rig.js'

describe('what matters to the person and whom to call, on their page and the queue', { timeout: 120_000 }, () => {
  const rig = new BrowserRig()
  let personId = ''

  beforeAll(async () => {
    const t = await rig.start()
    personId = await t.api.createPerson('Ada Lovelace')
  })
  afterAll(() => rig.close())

  it('writes what matters to Ada and her response plan with a reason, and shows her preferred name and needs first on her alarm', async () => {
    const page = await rig.signedIn({ username: 'admin', password: ADMIN_PASSWORD })
    await page.goto(`${rig.platform.httpUrl}/#/person/${personId}`)

    const wishes = page.getByTestId('wishes')
    await wishes.getByRole('heading', { name: 'What matters to me' }).waitFor()
    await wishes.getByRole('button', { name: 'Edit what matters' }).click()
    await wishes.getByLabel('Preferred name').fill('Ada')
    await wishes.getByLabel('Communication needs (one a line)').fill('Hard of hearing on the left\nSpeak slowly')
    await wishes.getByLabel('Gets up at').fill('09:00')
    await wishes.getByLabel('Goes to bed at').fill('23:00')
    await wishes.getByLabel('Reason for the change').fill('At her review')
    await wishes.getByRole('button', { name: 'Save' }).click()
    await wishes.getByText('Saved as version 1.').waitFor()
    // The saved version is read back from Hearth, a moment after the note.
    await expect.poll(() => wishes.getByTestId('wishes-preferred-name').textContent(), { timeout: 10_000 }).toBe('Ada')
    await expect.poll(() => wishes.getByTestId('wishes-active-hours').textContent(), { timeout: 10_000 }).toBe('09:00 to 23:00, from their routine')

    const plan = page.getByTestId('response-plan')
    await plan.getByRole('button', { name: 'Edit the plan' }).click()
    for (const [i, who] of [
      ['Tom Reed', 'neighbour', '07700 900102'],
      ['Mary Shaw', 'daughter', '07700 900101'],
    ].entries()) {
      await plan.getByRole('button', { name: 'Add someone to call' }).click()
      const step = plan.getByRole('group', { name: `Step ${i + 1}` })
      await step.getByLabel('Name').fill(who[0] as string)
      await step.getByLabel('Relationship').fill(who[1] as string)
      await step.getByLabel('Phone').fill(who[2] as string)
    }
    await plan.getByRole('button', { name: 'Move up Mary Shaw' }).click()
    await plan.getByLabel('Reason for the change').fill('Mary first, she lives nearest')
    await plan.getByRole('button', { name: 'Save the plan' }).click()
    await plan.getByText('Saved as version 1.').waitFor()
    expect(await plan.getByTestId('plan-step').allTextContents()).toEqual([expect.stringMatching(/^Mary Shaw, daughter · 07700 900101Family/), expect.stringMatching(/^Tom Reed, neighbour · 07700 900102Any time/)])
    expect(await seriousViolations(page)).toEqual([])

    await (await rig.device('pendant', personId, 'pendant-ada')).event('alarm.pressed')
    await page.goto(`${rig.platform.httpUrl}/#/queue`)
    const speaking = page.getByTestId('alert-item').getByTestId('alert-speaking-to')
    await speaking.waitFor()
    expect(await speaking.textContent()).toBe('Likes to be called AdaHard of hearing on the leftSpeak slowly')
  })
})
