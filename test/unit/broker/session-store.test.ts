import { describe, expect, it } from 'vitest'
import { SessionStore } from '../../../broker/session-store.js'

const client = { id: 'hearth:ingest' }
const sub = { clientId: client.id }
const message = (counter: number) => ({ cmd: 'publish', brokerId: 'b1', brokerCounter: counter, topic: `t/${counter}`, payload: Buffer.from(String(counter)), qos: 1 })

async function queued(store: SessionStore): Promise<Array<{ topic?: string; messageId?: number; cmd?: string }>> {
  const out: Array<{ topic?: string; messageId?: number; cmd?: string }> = []
  for await (const p of store.outgoingStream(client)) out.push(p as { topic?: string; messageId?: number; cmd?: string })
  return out
}

describe('SessionStore outgoing queue', () => {
  it('keeps messages in the order queued and removes each on its PUBACK', async () => {
    const store = new SessionStore()
    for (let i = 1; i <= 5; i++) await store.outgoingEnqueue(sub, message(i))
    for (let i = 1; i <= 5; i++) await store.outgoingUpdate(client, { ...message(i), messageId: 100 + i })
    const cleared = await store.outgoingClearMessageId(client, { messageId: 103 })
    expect((cleared as { topic: string }).topic).toBe('t/3')
    expect((await queued(store)).map((p) => [p.topic, p.messageId])).toEqual([
      ['t/1', 101],
      ['t/2', 102],
      ['t/4', 104],
      ['t/5', 105],
    ])
  })

  it('answers a PUBACK for an unknown packet id with nothing and leaves the queue alone', async () => {
    const store = new SessionStore()
    await store.outgoingEnqueue(sub, message(1))
    await store.outgoingUpdate(client, { ...message(1), messageId: 7 })
    expect(await store.outgoingClearMessageId(client, { messageId: 8 })).toBeUndefined()
    expect(await store.outgoingClearMessageId({ id: 'nobody' }, { messageId: 7 })).toBeUndefined()
    expect((await queued(store)).map((p) => p.messageId)).toEqual([7])
  })

  it('replaces a QoS 2 message with its PUBREL under the same packet id, in place', async () => {
    const store = new SessionStore()
    for (let i = 1; i <= 3; i++) {
      await store.outgoingEnqueue(sub, { ...message(i), qos: 2 })
      await store.outgoingUpdate(client, { ...message(i), qos: 2, messageId: i })
    }
    await store.outgoingUpdate(client, { cmd: 'pubrel', messageId: 2 })
    expect((await queued(store)).map((p) => p.cmd)).toEqual(['publish', 'pubrel', 'publish'])
    await store.outgoingClearMessageId(client, { messageId: 2 })
    expect((await queued(store)).map((p) => p.topic)).toEqual(['t/1', 't/3'])
  })

  it('gives a resent message its new packet id, and the old id no longer clears it', async () => {
    const store = new SessionStore()
    await store.outgoingEnqueue(sub, message(1))
    await store.outgoingUpdate(client, { ...message(1), messageId: 1 })
    await store.outgoingUpdate(client, { ...message(1), messageId: 9 })
    expect(await store.outgoingClearMessageId(client, { messageId: 1 })).toBeUndefined()
    expect((await store.outgoingClearMessageId(client, { messageId: 9 }) as { topic: string }).topic).toBe('t/1')
    expect(await queued(store)).toEqual([])
  })

  it('rejects an update for a message that was never queued', async () => {
    const store = new SessionStore()
    await expect(store.outgoingUpdate(client, { ...message(1), messageId: 1 })).rejects.toThrow('no such packet')
    await store.outgoingEnqueue(sub, message(1))
    await expect(store.outgoingUpdate(client, { ...message(2), messageId: 2 })).rejects.toThrow('no such packet')
  })

  it('queues one message for several sessions, each with its own packet ids', async () => {
    const store = new SessionStore()
    const other = { id: 'hearth:rules' }
    await store.outgoingEnqueueCombi([sub, { clientId: other.id }], message(1))
    await store.outgoingUpdate(client, { ...message(1), messageId: 1 })
    await store.outgoingUpdate(other, { ...message(1), messageId: 2 })
    await store.outgoingClearMessageId(client, { messageId: 1 })
    expect(await queued(store)).toEqual([])
    const rest: unknown[] = []
    for await (const p of store.outgoingStream(other)) rest.push((p as { messageId: number }).messageId)
    expect(rest).toEqual([2])
  })
})

describe('SessionStore retained messages', () => {
  const retained = async (store: SessionStore, filters: string[]): Promise<string[]> => {
    const out: string[] = []
    for await (const p of store.createRetainedStreamCombi(filters)) out.push((p as { topic: string }).topic)
    return out
  }

  it('gives a subscription the retained messages its filter matches, and forgets one cleared by an empty payload', async () => {
    const store = new SessionStore()
    for (const id of ['pendant-1', 'pendant-2', 'bed-1']) await store.storeRetained({ topic: `wellbeing/v1/devices/${id}/status`, payload: Buffer.from('{}') })
    await store.storeRetained({ topic: 'wellbeing/v1/devices/pendant-2/status', payload: Buffer.alloc(0) })
    expect(await retained(store, ['wellbeing/v1/devices/pendant-1/status', 'wellbeing/v1/devices/pendant-1/commands'])).toEqual(['wellbeing/v1/devices/pendant-1/status'])
    expect(await retained(store, ['wellbeing/v1/devices/+/status'])).toEqual(['wellbeing/v1/devices/pendant-1/status', 'wellbeing/v1/devices/bed-1/status'])
    expect(await retained(store, ['wellbeing/#'])).toHaveLength(2)
  })

  it('matches topic filters as MQTT does', async () => {
    const { topicMatches } = await import('../../../broker/session-store.js')
    expect(topicMatches('a/+/c', 'a/b/c')).toBe(true)
    expect(topicMatches('a/+/c', 'a/b/c/d')).toBe(false)
    expect(topicMatches('a/+', 'a')).toBe(false)
    expect(topicMatches('a/#', 'a')).toBe(true)
    expect(topicMatches('a/#', 'a/b/c')).toBe(true)
    expect(topicMatches('#', '$SYS/broker')).toBe(false)
    expect(topicMatches('+/broker', '$SYS/broker')).toBe(false)
    expect(topicMatches('$SYS/#', '$SYS/broker')).toBe(true)
    expect(topicMatches('a/b', 'a/b')).toBe(true)
  })
})
