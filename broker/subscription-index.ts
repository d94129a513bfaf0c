import { createRequire } from 'node:module'

/** A subscription as aedes hands it to its persistence and takes it back. */
export interface Subscription {
  topic: string
  qos: number
  rh?: number
  rap?: boolean
  nl?: boolean
  subscriptionIdentifier?: number
}

/** One client's subscription, kept once: in the client's list and, at QoS 1 or 2, in the topic index. */
interface StoredSubscription extends Subscription {
  readonly clientId: string
}

/** What `subscriptionsByTopic` answers, as aedes-persistence's trie answers it. */
export interface TopicSubscriber {
  clientId: string
  topic: string
  qos: number
  rh?: number
  rap?: boolean
  nl?: boolean
}

interface SubscriberTrie {
  subscriptionsCount: number
  add(topic: string, value: TopicSubscriber): void
  remove(topic: string, value: { clientId: string; topic: string }): void
  match(topic: string): TopicSubscriber[]
}

// The trie aedes-persistence matches its subscriptions with, from aedes-persistence's own dependencies.
const require = createRequire(import.meta.url)
const QlobberSub = createRequire(require.resolve('aedes-persistence/asyncPersistence.js'))('qlobber/aedes/qlobber-sub') as new (options: object) => SubscriberTrie
const TRIE_OPTIONS = { wildcard_one: '+', wildcard_some: '#', separator: '/' }

const hasWildcard = (filter: string): boolean => filter.includes('+') || filter.includes('#')

/**
 * The persistent sessions' subscriptions, answering what aedes-persistence's in-memory store answers
 * (addSubscriptions … countOffline) with less held per client. The stock store keeps each
 * subscription three times (a record per client, and a trie node and a per-filter client map for
 * QoS 1 and 2): for a fleet in which every device subscribes to filters of its own, that trie is a
 * chain of maps per device. Here a subscription is one record; filters without wildcards (each
 * device's own) are found in one map by topic, and only wildcard filters (the services') go into
 * the trie aedes-persistence uses, so they match exactly as there.
 */
export class SubscriptionIndex {
  private readonly byClient = new Map<string, StoredSubscription[]>()
  /** QoS 1 and 2 subscriptions to filters without wildcards: one record, or several, by filter. */
  private readonly exact = new Map<string, StoredSubscription | StoredSubscription[]>()
  private exactCount = 0
  private readonly wildcards = new QlobberSub(TRIE_OPTIONS)

  add(clientId: string, subs: readonly Subscription[]): void {
    let stored = this.byClient.get(clientId)
    if (!stored) {
      stored = []
      this.byClient.set(clientId, stored)
    }
    for (const sub of subs) {
      const record: StoredSubscription = { clientId, topic: sub.topic, qos: sub.qos, rh: sub.rh, rap: sub.rap, nl: sub.nl }
      if (sub.subscriptionIdentifier !== undefined) record.subscriptionIdentifier = sub.subscriptionIdentifier
      const at = stored.findIndex((s) => s.topic === sub.topic)
      if (at >= 0) this.unindex(stored[at] as StoredSubscription)
      this.index(record)
      if (at >= 0) stored[at] = record
      else stored.push(record)
    }
  }

  remove(clientId: string, topics: readonly string[]): void {
    const stored = this.byClient.get(clientId)
    if (!stored) return
    for (const topic of topics) {
      const at = stored.findIndex((s) => s.topic === topic)
      if (at < 0) continue
      this.unindex(stored[at] as StoredSubscription)
      stored.splice(at, 1)
    }
    if (stored.length === 0) this.byClient.delete(clientId)
  }

  clear(clientId: string): void {
    const stored = this.byClient.get(clientId)
    if (!stored) return
    for (const record of stored) this.unindex(record)
    this.byClient.delete(clientId)
  }

  /** The client's subscriptions, each a fresh object as aedes-persistence gives them. */
  ofClient(clientId: string): Subscription[] {
    return (this.byClient.get(clientId) ?? []).map(({ clientId: _clientId, subscriptionIdentifier, ...sub }) =>
      subscriptionIdentifier === undefined ? sub : { ...sub, subscriptionIdentifier },
    )
  }

  /** The QoS 1 and 2 subscriptions whose filter matches `topic`, each a fresh object. */
  matching(topic: string): TopicSubscriber[] {
    const found = this.wildcards.match(topic)
    const exact = this.exact.get(topic)
    if (exact) for (const s of Array.isArray(exact) ? exact : [exact]) found.push({ clientId: s.clientId, topic: s.topic, qos: s.qos, rh: s.rh, rap: s.rap, nl: s.nl })
    return found
  }

  /** The clients with a subscription to exactly this filter. */
  *clientsOf(topic: string): Generator<string> {
    for (const [clientId, stored] of this.byClient) if (stored.some((s) => s.topic === topic)) yield clientId
  }

  counts(): { subsCount: number; clientsCount: number } {
    return { subsCount: this.wildcards.subscriptionsCount + this.exactCount, clientsCount: this.byClient.size }
  }

  private index(record: StoredSubscription): void {
    if (record.qos <= 0) return
    if (hasWildcard(record.topic)) {
      this.wildcards.add(record.topic, { clientId: record.clientId, topic: record.topic, qos: record.qos, rh: record.rh, rap: record.rap, nl: record.nl })
      return
    }
    const existing = this.exact.get(record.topic)
    if (existing === undefined) this.exact.set(record.topic, record)
    else if (Array.isArray(existing)) existing.push(record)
    else this.exact.set(record.topic, [existing, record])
    this.exactCount++
  }

  private unindex(record: StoredSubscription): void {
    if (record.qos <= 0) return
    if (hasWildcard(record.topic)) {
      this.wildcards.remove(record.topic, { clientId: record.clientId, topic: record.topic })
      return
    }
    const existing = this.exact.get(record.topic)
    if (existing === undefined) return
    if (!Array.isArray(existing)) {
      if (existing.clientId !== record.clientId) return
      this.exact.delete(record.topic)
    } else {
      const at = existing.findIndex((s) => s.clientId === record.clientId)
      if (at < 0) return
      existing.splice(at, 1)
      if (existing.length === 1) this.exact.set(record.topic, existing[0] as StoredSubscription)
    }
    this.exactCount--
  }
}
