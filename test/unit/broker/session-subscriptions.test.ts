import { createRequire } from 'node:module'
import { Readable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { SessionStore } from '../../../broker/session-store.js'

interface Persistence {
  setup(broker: { id: string }): Promise<void>
  addSubscriptions(client: { id: string }, subs: object[]): Promise<void>
  removeSubscriptions(client: { id: string }, topics: string[]): Promise<void>
  cleanSubscriptions(client: { id: string }): Promise<void>
  subscriptionsByClient(client: { id: string }): Promise<object[]>
  subscriptionsByTopic(topic: string): Promise<Array<{ clientId: string; topic: string }>>
  countOffline(): Promise<{ subsCount: number; clientsCount: number }>
  getClientList(topic: string): Readable
}

const require = createRequire(import.meta.url)
const StockPersistence = require('aedes-persistence/asyncPersistence.js') as new () => Persistence

/** A small deterministic generator, so that a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31
    return state / 2 ** 31
  }
}

const FILTERS = ['a/b', 'a/c', 'a/+', 'a/#', '#', '+/b', 'dev/1/commands', 'dev/2/commands', 'dev/+/commands', '$SYS/x', '$SYS/#']
const TOPICS = ['a/b', 'a/c', 'a', 'dev/1/commands', 'dev/2/commands', '$SYS/x', 'x/b']
const CLIENTS = ['hearth:ingest', 'dev-1', 'dev-2', 'dev-3']

const byClientAndTopic = (subs: Array<{ clientId: string; topic: string }>) =>
  [...subs].sort((x, y) => `${x.clientId} ${x.topic}`.localeCompare(`${y.clientId} ${y.topic}`))

async function clientList(store: Persistence, topic: string): Promise<string[]> {
  const out: string[] = []
  for await (const id of store.getClientList(topic)) out.push(id as string)
  return out.sort()
}

describe('SessionStore subscriptions', () => {
  it('answers every question about subscriptions as the stock in-memory store does', async () => {
    const next = random(7)
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T
    const ours = new SessionStore() as unknown as Persistence
    const stock = new StockPersistence()
    for (const store of [ours, stock]) await store.setup({ id: 'broker' })
    for (let step = 0; step < 600; step++) {
      const client = { id: pick(CLIENTS) }
      const roll = next()
      if (roll < 0.55) {
        const subs = Array.from({ length: 1 + Math.floor(next() * 3) }, () => ({ topic: pick(FILTERS), qos: pick([0, 1, 2]) }))
        for (const store of [ours, stock]) await store.addSubscriptions(client, subs)
      } else if (roll < 0.85) {
        const topics = [pick(FILTERS), pick(FILTERS)]
        for (const store of [ours, stock]) await store.removeSubscriptions(client, topics)
      } else {
        for (const store of [ours, stock]) await store.cleanSubscriptions(client)
      }
      for (const id of CLIENTS) expect(await ours.subscriptionsByClient({ id })).toStrictEqual(await stock.subscriptionsByClient({ id }))
      for (const topic of TOPICS) expect(byClientAndTopic(await ours.subscriptionsByTopic(topic))).toStrictEqual(byClientAndTopic(await stock.subscriptionsByTopic(topic)))
      expect(await ours.countOffline()).toEqual(await stock.countOffline())
      const filter = pick(FILTERS)
      expect(await clientList(ours, filter)).toEqual(await clientList(stock, filter))
    }
  })

  it('keeps a subscription identifier for the session it is restored to', async () => {
    const store = new SessionStore()
    await store.addSubscriptions({ id: 'dev-1' }, [{ topic: 'dev/1/commands', qos: 1, subscriptionIdentifier: 5 }])
    expect(await store.subscriptionsByClient({ id: 'dev-1' })).toEqual([{ topic: 'dev/1/commands', qos: 1, subscriptionIdentifier: 5 }])
    expect(await store.subscriptionsByTopic('dev/1/commands')).toEqual([{ clientId: 'dev-1', topic: 'dev/1/commands', qos: 1 }])
  })
})

describe('SessionStore payloads', () => {
  it('keeps a retained payload whole after the read buffer it was parsed from is reused', async () => {
    const store = new SessionStore()
    const read = Buffer.from('\x30\x20wellbeing/v1/devices/d1/status{"online":true}')
    const payload = read.subarray(read.indexOf('{'))
    await store.storeRetained({ cmd: 'publish', topic: 'wellbeing/v1/devices/d1/status', payload, qos: 1 })
    read.fill(0)
    const out: Array<{ cmd: string; topic: string; payload: Buffer; qos: number }> = []
    for await (const p of store.createRetainedStream('wellbeing/v1/devices/d1/status')) out.push(p as (typeof out)[number])
    expect(out).toHaveLength(1)
    expect(out[0]).toMatchObject({ cmd: 'publish', topic: 'wellbeing/v1/devices/d1/status', qos: 1 })
    expect(out[0]?.payload.toString()).toBe('{"online":true}')
    expect(out[0]?.payload.buffer.byteLength).toBe('{"online":true}'.length)
  })

  it('keeps a will with its payload in a buffer of its own, the same bytes', async () => {
    const store = new SessionStore()
    await (store as unknown as Persistence).setup({ id: 'broker' })
    const read = Buffer.from('....{"online":false}....')
    const will = { topic: 'wellbeing/v1/devices/d1/status', payload: read.subarray(4, 20), qos: 1, retain: true }
    await store.putWill({ id: 'd1' }, will)
    read.fill(0)
    const kept = (await (store as unknown as { getWill(client: { id: string }): Promise<typeof will & { clientId: string }> }).getWill({ id: 'd1' }))
    expect(kept.payload.toString()).toBe('{"online":false}')
    expect(kept).toMatchObject({ topic: will.topic, qos: 1, retain: true, clientId: 'd1' })
  })
})
