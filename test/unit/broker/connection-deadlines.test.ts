import type { Client } from 'aedes'
import { describe, expect, it } from 'vitest'
import { createConnectionDeadlines } from '../../../broker/connection-deadlines.js'

const T0 = Date.parse('2026-11-22T10:00:00Z')
const MINUTE = 60_000

/** A connection as the deadlines see it: whether it has closed. */
const connection = (id: string): Client => ({ id, closed: false }) as unknown as Client

function rig() {
  const clock = { ms: T0, now: () => clock.ms }
  const ended: Array<{ id: string; why: string }> = []
  const deadlines = createConnectionDeadlines(clock, (client, why) => {
    ended.push({ id: client.id, why })
    ;(client as { closed: boolean }).closed = true
  })
  return { clock, ended, deadlines }
}

describe('connection deadlines: connections made with a replaced secret', () => {
  it('ends a connection made with a replaced secret when its grace ends, and not a moment before', () => {
    const r = rig()
    r.deadlines.madeWithReplaced(connection('pendant-1'), T0 + 30 * MINUTE)
    r.clock.ms = T0 + 30 * MINUTE - 1
    r.deadlines.sweep()
    expect(r.ended).toEqual([])
    r.clock.ms = T0 + 30 * MINUTE
    r.deadlines.sweep()
    expect(r.ended).toEqual([{ id: 'pendant-1', why: "its secret's grace has ended" }])
    r.deadlines.sweep()
    expect(r.ended).toHaveLength(1)
  })

  it('ends the live connection at once on a rotation with no grace, or at the end of the grace given', () => {
    const r = rig()
    r.deadlines.secretReplaced(connection('pendant-now'), T0)
    expect(r.ended).toEqual([{ id: 'pendant-now', why: 'its secret was replaced' }])
    r.deadlines.secretReplaced(connection('pendant-later'), T0 + 60 * MINUTE)
    r.clock.ms = T0 + 59 * MINUTE
    r.deadlines.sweep()
    expect(r.ended).toHaveLength(1)
    r.clock.ms = T0 + 60 * MINUTE
    r.deadlines.sweep()
    expect(r.ended.map((e) => e.id)).toEqual(['pendant-now', 'pendant-later'])
  })

  it('ends at once a connection whose secret was already on its way out when it is replaced again', () => {
    const r = rig()
    const client = connection('pendant-1')
    r.deadlines.secretReplaced(client, T0 + 60 * MINUTE)
    r.clock.ms = T0 + 10 * MINUTE
    r.deadlines.secretReplaced(client, T0 + 70 * MINUTE)
    expect(r.ended).toEqual([{ id: 'pendant-1', why: 'made with a secret replaced twice' }])
  })

  it('forgets a connection that closed on its own, and never ends it', () => {
    const r = rig()
    const client = connection('pendant-1')
    r.deadlines.madeWithReplaced(client, T0 + MINUTE)
    ;(client as { closed: boolean }).closed = true
    r.clock.ms = T0 + 2 * MINUTE
    r.deadlines.sweep()
    expect(r.ended).toEqual([])
  })
})
