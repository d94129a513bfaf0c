import { describe, expect, it } from 'vitest'
import { DEVICE_CHECK_IN_SECONDS, OUTCOMES, PRIORITY_RANK, ROLES } from '../../../../contract/index.js'
import * as web from '../../../../dashboard/web/src/contract-values.js'

describe('web app contract values', () => {
  it('repeats exactly the values of contract/ that the browser bundle cannot import without zod', () => {
    expect(web.PRIORITY_RANK).toEqual(PRIORITY_RANK)
    expect(web.OUTCOMES).toEqual(OUTCOMES)
    expect(web.ROLES).toEqual(ROLES)
    expect(web.DEVICE_CHECK_IN_SECONDS).toEqual(DEVICE_CHECK_IN_SECONDS)
  })
})
