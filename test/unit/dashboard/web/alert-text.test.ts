import { describe, expect, it } from 'vitest'
import type { Alert } from '../../../../contract/index.js'
import { statusText } from '../../../../dashboard/web/src/alert-text.js'
import { raisedAlert } from '../../../helpers/alert-fixture.js'

const base = raisedAlert()

describe('alert status in words (web), shared by the queue and the person page', () => {
  it('says who took it, "you" for the signed-in user', () => {
    const taken: Alert = { ...base, status: 'acknowledged', acknowledgedBy: 'sam' }
    expect(statusText(base)).toBe('Waiting for a responder')
    expect(statusText(taken, 'sam')).toBe('Taken by you')
    expect(statusText(taken, 'kim')).toBe('Taken by sam')
    expect(statusText(taken)).toBe('Taken by sam')
  })

  it('names the outcome and who closed it', () => {
    expect(statusText({ ...base, status: 'resolved', outcome: 'false-alarm', resolvedBy: 'sam' })).toBe('False alarm (sam)')
  })
})
