import { describe, expect, it } from 'vitest'
import { sampleConnectRefusals } from '../../../broker/connect-refusals.js'
import { capturedLog } from '../../helpers/log-lines.js'

const settle = () => new Promise((resolve) => setImmediate(resolve))

describe('refused CONNECTs, logged sampled by address', () => {
  it('counts every refusal, logs the first five of a window per address, then one line with the rest by reason', async () => {
    const { lines, logger } = capturedLog()
    const clock = { ms: 0, now: () => clock.ms }
    const counted: string[] = []
    const refusals = sampleConnectRefusals({ first: 5, windowMs: 10_000 }, { logger, clock, count: (reason) => counted.push(reason) })
    for (let i = 0; i < 10; i++) refusals.refuse('203.0.113.7', 'bad_password', { clientId: 'pendant-1' })
    for (let i = 0; i < 990; i++) refusals.refuse('203.0.113.7', 'connect_rate_limited', { clientId: 'pendant-1' })
    refusals.refuse('198.51.100.1', 'unknown_device', { clientId: 'ghost-1' })
    clock.ms = 10_000
    refusals.flush()
    await settle()
    expect(counted).toHaveLength(1001)
    expect(lines.map((l) => [l.address, l.reason ?? null, l.msg])).toEqual([
      ...Array(5).fill(['203.0.113.7', 'bad_password', 'mqtt refusal']),
      ['198.51.100.1', 'unknown_device', 'mqtt refusal'],
      ['203.0.113.7', null, '995 further CONNECT refusals from 203.0.113.7 not logged (more than 5 in 10 s)'],
    ])
    expect(lines.at(-1)).toMatchObject({ level: 40, omitted: 995, reasons: { bad_password: 5, connect_rate_limited: 990 } })
  })

  it('keeps at most maxKeys addresses: the oldest window closes early, with its count', async () => {
    const { lines, logger } = capturedLog()
    const clock = { ms: 0, now: () => clock.ms }
    const refusals = sampleConnectRefusals({ first: 1, windowMs: 10_000, maxKeys: 2 }, { logger, clock, count: () => undefined })
    refusals.refuse('203.0.113.1', 'bad_password', {})
    refusals.refuse('203.0.113.1', 'bad_password', {})
    refusals.refuse('203.0.113.2', 'bad_password', {})
    refusals.refuse('203.0.113.3', 'bad_password', {})
    await settle()
    expect(lines.map((l) => l.msg)).toEqual([
      'mqtt refusal',
      'mqtt refusal',
      '1 further CONNECT refusal from 203.0.113.1 not logged (more than 1 in 10 s)',
      'mqtt refusal',
    ])
  })
})
