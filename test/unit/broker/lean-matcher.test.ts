import { Aedes } from 'aedes'
import { describe, expect, it } from 'vitest'
import { LeanMatcher, leanMatcher, type TopicMatcher } from '../../../broker/lean-matcher.js'

/** aedes' own matcher: the qlobber its message emitter made, and that class for fresh ones. */
async function aedesMatcher(): Promise<{ aedes: Aedes; matcher: TopicMatcher; fresh: () => TopicMatcher }> {
  const aedes = await Aedes.createBroker()
  const matcher = (aedes as unknown as { mq: { _matcher: TopicMatcher } }).mq._matcher
  const Qlobber = matcher.constructor as new (options: object) => TopicMatcher
  return { aedes, matcher, fresh: () => new Qlobber({ match_empty_levels: true, separator: '/', wildcard_one: '+', wildcard_some: '#' }) }
}

function random(seed: number): () => number {
  let state = seed
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31
    return state / 2 ** 31
  }
}

const FILTERS = ['a', 'a/b', 'a/b/c', 'a/+', 'a/#', '#', '+', '+/b', 'a/+/c', 'a/b/#', '+/+/c', 'a//c', 'a/+/#', '$SYS/x/heartbeat', '$SYS/+/heartbeat', 'dev/1/commands', 'dev/+/commands']
const TOPICS = ['a', 'a/b', 'a/b/c', 'a//c', 'b', 'x/b', 'a/b/c/d', '$SYS/x/heartbeat', 'dev/1/commands', 'dev/2/commands', '']

describe('LeanMatcher', () => {
  it('matches every topic to the same listeners, in the same order, as qlobber', async () => {
    const { aedes, fresh } = await aedesMatcher()
    const next = random(11)
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T
    const listeners = Array.from({ length: 6 }, (_, i) => ({ listener: i }))
    const stock = fresh()
    const lean = new LeanMatcher(fresh())
    for (let step = 0; step < 1500; step++) {
      const filter = pick(FILTERS)
      const roll = next()
      const listener = pick(listeners)
      for (const matcher of [stock, lean]) {
        if (roll < 0.6) matcher.add(filter, listener)
        else if (roll < 0.95) matcher.remove(filter, listeners[step % listeners.length])
        else matcher.remove(filter)
      }
      for (const topic of TOPICS) expect(lean.match(topic)).toStrictEqual(stock.match(topic))
    }
    await new Promise<void>((resolve) => aedes.close(() => resolve()))
  })

  it('takes the place of the matcher in aedes, keeping the filters aedes subscribed itself', async () => {
    const { aedes, matcher } = await aedesMatcher()
    const before = matcher.match('$SYS/other-broker/heartbeat')
    expect(before.length).toBeGreaterThan(0)
    leanMatcher(aedes)
    const lean = (aedes as unknown as { mq: { _matcher: TopicMatcher } }).mq._matcher
    expect(lean).toBeInstanceOf(LeanMatcher)
    expect(lean.match('$SYS/other-broker/heartbeat')).toStrictEqual(before)
    await new Promise<void>((resolve) => aedes.close(() => resolve()))
  })
})
