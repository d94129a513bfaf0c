import { Writable } from 'node:stream'
import pino from 'pino'
import { describe, expect, it } from 'vitest'
import { createLogSampler } from '../../../alerting/log-sampler.js'

function capture() {
  const lines: Array<Record<string, unknown>> = []
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>)
      done()
    },
  })
  return { lines, logger: pino({ level: 'info' }, stream) }
}

const settle = () => new Promise((resolve) => setImmediate(resolve))

describe('per-device log sampling', () => {
  it('writes the first lines of each window for a device and then one line counting the rest', async () => {
    const { lines, logger } = capture()
    const clock = { ms: 0, now: () => clock.ms }
    const sampler = createLogSampler({ first: 3, windowMs: 10_000 }, { logger, clock })
    for (let i = 0; i < 1000; i++) sampler.line('pendant-1', 'info', { n: i }, 'alert changed by device event')
    sampler.line('pendant-1', 'warn', {}, 'event from a device with no person')
    sampler.line('pendant-2', 'info', {}, 'alert changed by device event')
    clock.ms = 9_999
    sampler.flush()
    await settle()
    expect(lines.map((l) => [l.deviceId, l.msg])).toEqual([
      ['pendant-1', 'alert changed by device event'],
      ['pendant-1', 'alert changed by device event'],
      ['pendant-1', 'alert changed by device event'],
      ['pendant-2', 'alert changed by device event'],
    ])
    clock.ms = 10_000
    sampler.flush()
    await settle()
    expect(lines).toHaveLength(5)
    expect(lines[4]).toMatchObject({
      level: 40,
      deviceId: 'pendant-1',
      omitted: 998,
      lines: { 'alert changed by device event': 997, 'event from a device with no person': 1 },
      msg: '998 log lines about device pendant-1 left out (more than 3 in 10 s)',
    })
  })

  it('starts a new window, with the summary of the last, when the device speaks again after it', async () => {
    const { lines, logger } = capture()
    const clock = { ms: 0, now: () => clock.ms }
    const sampler = createLogSampler({ first: 1, windowMs: 10_000 }, { logger, clock })
    sampler.line('pendant-1', 'info', {}, 'event refused')
    sampler.line('pendant-1', 'info', {}, 'event refused')
    clock.ms = 12_000
    sampler.line('pendant-1', 'info', {}, 'event refused')
    await settle()
    expect(lines.map((l) => l.msg)).toEqual(['event refused', '1 log line about device pendant-1 left out (more than 1 in 10 s)', 'event refused'])
  })
})
