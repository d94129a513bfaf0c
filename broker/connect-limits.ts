import type { Clock } from '../contract/index.js'

/**
 * Limits on failed CONNECTs (PROTOCOL §1 "Identity"; Hearth's choice, see broker/README.md). A
 * failure is a CONNECT refused for its credentials: a wrong or missing secret, an unknown device,
 * a client id that is not the user name. Each counts against the remote address (an IPv6 address
 * by its /64, client-address.ts) and, when a secret was checked and was wrong, against the user
 * name too (a known device's or service's). After `perAddress` failures from one address, or
 * `perId` for one id from anywhere, within `windowMs`, that address or id is held back: its
 * CONNECTs are refused at once, without checking a secret, so guessing costs neither CPU nor
 * log. A hold lasts `firstHoldMs`; once it is over, every further failure holds the key again,
 * for twice as long as the last time, up to `maxHoldMs`. A key with no failure for `quietMs`
 * after its last hold is forgotten, and a device that connects clears its id.
 *
 * Trusted pairs: an address and id that connected successfully pass the address's and the id's
 * holds, and are held only by their own count (`perAddress`). A guesser sharing a device's
 * network (a care home's router, a mobile carrier's NAT) or guessing its id from elsewhere then
 * does not lock that device out; one on its own network guessing its own id still is limited.
 */
export interface ConnectLimitsConfig {
  /** Failures from one address within `windowMs` before it is held (and for a trusted pair). */
  perAddress: number
  /** Failures for one known id, from any address, within `windowMs` before it is held. */
  perId: number
  windowMs: number
  /** The first hold; each one after it, while failures go on, lasts twice the last. */
  firstHoldMs: number
  maxHoldMs: number
  /** A key with no failure for this long after its last hold (or failure) is forgotten. */
  quietMs: number
  /** Addresses, ids and trusted pairs with failures kept at most, each; past it the least recently failed is forgotten. */
  maxTracked: number
  /** Trusted pairs kept at most; past it the one that connected least recently is forgotten. */
  maxTrusted: number
}

/**
 * A device fails only with a stale secret, and then fails whatever the limits; they are there to
 * keep what a guesser costs small. Ten a minute from one address, twenty for one id (which many
 * addresses may try at once); after that one guess per hold: 30 s, 1, 2, 4, then 5 minutes, about
 * a dozen an hour. Five minutes is the longest a device whose id someone else is guessing waits,
 * and only at an address it has not connected from before.
 */
export const DEFAULT_CONNECT_LIMITS: ConnectLimitsConfig = {
  perAddress: 10,
  perId: 20,
  windowMs: 60_000,
  firstHoldMs: 30_000,
  maxHoldMs: 300_000,
  quietMs: 600_000,
  maxTracked: 10_000,
  maxTrusted: 50_000,
}

/** Which limit holds a CONNECT back, and until when. */
export interface Hold {
  by: 'address' | 'id' | 'pair'
  untilMs: number
}

interface Strikes {
  /** Failures in the window that started at `windowStartMs`, before the first hold. */
  failures: number
  windowStartMs: number
  /** Holds in a row: 0 until the limit is reached. */
  holds: number
  heldUntilMs: number
  lastFailureMs: number
}

/** Idle keys are looked for at most this often (least recently failed ones go first anyway at the cap). */
const PRUNE_EVERY_MS = 60_000

/** Failures of one kind of key (addresses, ids or trusted pairs), least recently failed first. */
function createStrikes(limit: number, config: ConnectLimitsConfig) {
  const keys = new Map<string, Strikes>()
  let prunedAtMs = 0
  const forgotten = (s: Strikes, nowMs: number): boolean => nowMs - Math.max(s.lastFailureMs, s.heldUntilMs) >= config.quietMs
  const holdMs = (holds: number): number => Math.min(config.maxHoldMs, config.firstHoldMs * 2 ** (holds - 1))

  const prune = (nowMs: number): void => {
    if (nowMs - prunedAtMs < PRUNE_EVERY_MS) return
    prunedAtMs = nowMs
    for (const [key, s] of keys) if (forgotten(s, nowMs)) keys.delete(key)
  }

  return {
    heldUntil(key: string, nowMs: number): number | undefined {
      prune(nowMs)
      const s = keys.get(key)
      return s && s.heldUntilMs > nowMs ? s.heldUntilMs : undefined
    },
    failed(key: string, nowMs: number): void {
      let s = keys.get(key)
      keys.delete(key)
      if (!s || forgotten(s, nowMs)) s = { failures: 0, windowStartMs: nowMs, holds: 0, heldUntilMs: 0, lastFailureMs: nowMs }
      if (s.heldUntilMs > nowMs) {
        // Held already (the failure came by a trusted pair): the hold stands as it is.
      } else if (s.holds > 0) {
        s.holds += 1
        s.heldUntilMs = nowMs + holdMs(s.holds)
      } else {
        if (nowMs - s.windowStartMs >= config.windowMs) {
          s.failures = 0
          s.windowStartMs = nowMs
        }
        s.failures += 1
        if (s.failures >= limit) {
          s.holds = 1
          s.heldUntilMs = nowMs + holdMs(1)
        }
      }
      s.lastFailureMs = nowMs
      keys.set(key, s)
      if (keys.size > config.maxTracked) keys.delete(keys.keys().next().value as string)
    },
    clear: (key: string): boolean => keys.delete(key),
    size: (): number => keys.size,
  }
}

/** The limits on failed CONNECTs: pure, time from the clock. */
export function createConnectLimits(config: ConnectLimitsConfig, clock: Clock) {
  const addresses = createStrikes(config.perAddress, config)
  const ids = createStrikes(config.perId, config)
  const pairs = createStrikes(config.perAddress, config)
  /** Pairs that connected, least recently first. */
  const trusted = new Set<string>()
  const pairOf = (address: string, id: string): string => `${address} ${id}`
  const hold = (by: Hold['by'], untilMs: number | undefined): Hold | undefined => (untilMs === undefined ? undefined : { by, untilMs })

  return {
    /** Whether a CONNECT from `address` with user name `id` is to be refused at once, and by which limit. */
    held(address: string, id: string | undefined): Hold | undefined {
      const nowMs = clock.now()
      if (id !== undefined && trusted.has(pairOf(address, id))) return hold('pair', pairs.heldUntil(pairOf(address, id), nowMs))
      return hold('address', addresses.heldUntil(address, nowMs)) ?? (id === undefined ? undefined : hold('id', ids.heldUntil(id, nowMs)))
    },
    /** A CONNECT from `address` failed; `id` when a secret was checked for it and was wrong. */
    failed(address: string, id?: string): void {
      const nowMs = clock.now()
      addresses.failed(address, nowMs)
      if (id === undefined) return
      ids.failed(id, nowMs)
      if (trusted.has(pairOf(address, id))) pairs.failed(pairOf(address, id), nowMs)
    },
    /**
     * `id` connected from `address`: its failures are cleared and the pair trusted. The address's
     * stay: a guesser with one valid login of its own would otherwise clear them between guesses.
     */
    succeeded(address: string, id: string): void {
      const pair = pairOf(address, id)
      ids.clear(id)
      pairs.clear(pair)
      trusted.delete(pair)
      trusted.add(pair)
      if (trusted.size > config.maxTrusted) trusted.delete(trusted.values().next().value as string)
    },
    /** Keys with state kept, by kind (for tests: memory stays bounded). */
    tracked: () => ({ addresses: addresses.size(), ids: ids.size(), pairs: pairs.size(), trusted: trusted.size }),
  }
}

export type ConnectLimits = ReturnType<typeof createConnectLimits>
