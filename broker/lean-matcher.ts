import type { Aedes } from 'aedes'

/** What mqemitter asks of its topic matcher (a qlobber `Qlobber`): listeners by topic filter. */
export interface TopicMatcher {
  add(filter: string, value: unknown): unknown
  /** Removes the value last added under the filter, or (without one) every value under it. */
  remove(filter: string, value?: unknown): unknown
  match(topic: string): unknown[]
}

const QLOBBER_OPTIONS = { match_empty_levels: true, separator: '/', wildcard_one: '+', wildcard_some: '#' }

type Kind = 'exact' | 'hash' | 'plus'
const kindOf = (filter: string): Kind => (filter.includes('+') ? 'plus' : filter.includes('#') ? 'hash' : 'exact')

/**
 * A matcher that answers exactly what aedes' qlobber answers, in the same order, with filters
 * without wildcards kept in one map instead of the trie. In the trie every connected device's own
 * filters (`…/devices/{id}/commands`, `…/errors`) make a chain of maps and arrays of their own; here
 * they are one map entry each. Wildcard filters stay in tries: those with `#` alone in one, those
 * with `+` in another (the original). qlobber's depth-first match gives the `#`-only filters along
 * the topic's own path first, then the filter equal to the topic, then every filter reached
 * through a `+`, and each part keeps its order here.
 */
export class LeanMatcher implements TopicMatcher {
  private readonly exact = new Map<string, unknown>()
  private readonly hash: TopicMatcher

  constructor(private readonly plus: TopicMatcher) {
    this.hash = new (plus.constructor as new (options: object) => TopicMatcher)(QLOBBER_OPTIONS)
  }

  add(filter: string, value: unknown): void {
    const kind = kindOf(filter)
    if (kind !== 'exact') {
      this.trie(kind).add(filter, value)
      return
    }
    const existing = this.exact.get(filter)
    if (existing === undefined) this.exact.set(filter, value)
    else if (Array.isArray(existing)) existing.push(value)
    else this.exact.set(filter, [existing, value])
  }

  remove(filter: string, value?: unknown): void {
    const kind = kindOf(filter)
    if (kind !== 'exact') {
      this.trie(kind).remove(filter, value)
      return
    }
    const existing = this.exact.get(filter)
    if (existing === undefined) return
    if (value === undefined || (!Array.isArray(existing) && existing === value)) {
      this.exact.delete(filter)
    } else if (Array.isArray(existing)) {
      const at = existing.lastIndexOf(value)
      if (at >= 0) existing.splice(at, 1)
      if (existing.length === 1) this.exact.set(filter, existing[0])
    }
  }

  match(topic: string): unknown[] {
    const exact = this.exact.get(topic)
    const hash = this.hash.match(topic)
    const plus = this.plus.match(topic)
    if (exact === undefined && hash.length === 0) return plus
    const equal: unknown[] = exact === undefined ? [] : Array.isArray(exact) ? exact : [exact]
    return [...hash, ...equal, ...plus]
  }

  private trie(kind: 'hash' | 'plus'): TopicMatcher {
    return kind === 'hash' ? this.hash : this.plus
  }
}

/**
 * Puts a `LeanMatcher` in aedes' message emitter (mqemitter), around the qlobber it made: before
 * any client subscribes, when it holds only aedes' own `$SYS/+/…` filters.
 */
export function leanMatcher(aedes: Aedes): void {
  const mq = (aedes as unknown as { mq: { _matcher?: TopicMatcher } }).mq
  if (mq._matcher && typeof mq._matcher.match === 'function') mq._matcher = new LeanMatcher(mq._matcher)
}
