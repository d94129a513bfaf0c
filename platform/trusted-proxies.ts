import { BlockList, isIP } from 'node:net'

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

/** Express's names for address ranges (proxy-addr), as subnets. */
const NAMED_RANGES: Record<string, ReadonlyArray<readonly [string, number]>> = {
  loopback: [
    ['127.0.0.0', 8],
    ['::1', 128],
  ],
  linklocal: [
    ['169.254.0.0', 16],
    ['fe80::', 10],
  ],
  uniquelocal: [
    ['10.0.0.0', 8],
    ['172.16.0.0', 12],
    ['192.168.0.0', 16],
    ['fc00::', 7],
  ],
}

const EVERYTHING = new Set(['true', '*', 'all'])

/** The subnets an entry of the list stands for, or why it is not one. */
function subnetsOf(entry: string): ReadonlyArray<readonly [string, number]> | string {
  const named = NAMED_RANGES[entry.toLowerCase()]
  if (named) return named
  const [address = '', prefixText, ...rest] = entry.split('/')
  const family = isIP(address)
  if (family === 0 || rest.length > 0) return `${entry} is not an address, a network such as 10.0.0.0/8, or loopback, linklocal, uniquelocal`
  const widest = family === 4 ? 32 : 128
  if (prefixText === undefined) return [[address, widest]]
  const prefix = /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN
  if (!(prefix >= 1 && prefix <= widest)) return `${entry}: the prefix length must be 1 to ${widest} (/0 would trust every peer)`
  return [[address, prefix]]
}

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
  const entries = value.split(',').map((entry) => entry.trim())
  const problems = entries.map((entry) => (entry === '' ? 'an empty entry in the list' : subnetsOf(entry))).filter((s): s is string => typeof s === 'string')
  return problems.length > 0 ? { problem: problems.join('; ') } : { setting: entries }
}

/**
 * The setting as one function, used alike for the HTTP API (express's `trust proxy`), the live
 * feed's origin check and MQTT over WebSocket: with a hop count the nearest `n` peers are
 * proxies, with a list only peers in it are.
 */
export function proxyTrust(setting: TrustProxySetting): ProxyTrust {
  if (setting === false) return () => false
  if (typeof setting === 'number') return (_address, hop) => hop < setting
  const proxies = new BlockList()
  for (const entry of setting) {
    const subnets = subnetsOf(entry)
    if (typeof subnets === 'string') throw new Error(subnets)
    for (const [network, prefix] of subnets) proxies.addSubnet(network, prefix, isIP(network) === 4 ? 'ipv4' : 'ipv6')
  }
  return (address) => {
    const family = isIP(address)
    if (family === 0) return false
    try {
      return proxies.check(address, family === 4 ? 'ipv4' : 'ipv6')
    } catch {
      return false
    }
  }
}
