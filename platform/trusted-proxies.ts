import { addressMatcher, parseAddressList } from './address-list.js'

/**
 * Which peers are Hearth's own reverse proxies (HEARTH_TRUST_PROXY): none (`false`), the nearest
 * `n` hops, or the peers at these addresses and networks. Never every peer: `X-Forwarded-For`
 * is whatever the client wrote until a proxy of Hearth's added to it, so trusting all of it lets
 * anyone choose the address that sign-in limits, MQTT limits and the audit log see.
 */
export type TrustProxySetting = false | number | readonly string[]

/** Whether the peer at `address`, `hop` proxies away from Hearth (0: the socket's own peer), is one of Hearth's proxies. */
export type ProxyTrust = (address: string, hop: number) => boolean

/** The most proxies in front of Hearth a hop count may name. */
const MOST_HOPS = 10

const EVERYTHING = new Set(['true', '*', 'all'])

/**
 * Reads HEARTH_TRUST_PROXY: `false` or `0` (the default), a hop count (`1` for one reverse
 * proxy), or a comma-separated list of proxy addresses and networks. `true`, `*` and `all` are
 * refused, with why.
 */
export function parseTrustProxy(text: string): { setting: TrustProxySetting } | { problem: string } {
  const value = text.trim()
  if (value === '' || value === 'false' || value === '0') return { setting: false }
  if (EVERYTHING.has(value.toLowerCase())) {
    return {
      problem: `${value} would trust every peer, and X-Forwarded-For is whatever a client writes until Hearth's own proxy adds to it: anyone could choose the address sign-in limits count. Give the number of proxies in front of Hearth (1 for one reverse proxy) or their addresses (10.0.0.5, 10.0.0.0/8, loopback)`,
    }
  }
  if (/^\d+$/.test(value)) {
    const hops = Number(value)
    return hops <= MOST_HOPS ? { setting: hops } : { problem: `${value} proxies: a hop count is 1 to ${MOST_HOPS}` }
  }
  const list = parseAddressList(value)
  return 'problem' in list ? list : { setting: list.entries }
}

/**
 * The setting as one function, used alike for the HTTP API (express's `trust proxy`), the live
 * feed's origin check and MQTT over WebSocket: with a hop count the nearest `n` peers are
 * proxies, with a list only peers in it are.
 */
export function proxyTrust(setting: TrustProxySetting): ProxyTrust {
  if (setting === false) return () => false
  if (typeof setting === 'number') return (_address, hop) => hop < setting
  const isProxy = addressMatcher(setting)
  return (address) => isProxy(address)
}
