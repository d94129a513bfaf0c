import { lookup } from 'node:dns/promises'
import { BlockList, isIP } from 'node:net'

/** Where an address leads: this machine, a private network, the internet, or nowhere a webhook can go. */
type AddressKind = 'loopback' | 'private' | 'public' | 'unusable'

type Family = 'ipv4' | 'ipv6'

/** One list per family: a BlockList holding both matches every IPv4 address against ::ffff:0:0/96. */
const ranges = (list: Array<[string, number]>): Record<Family, BlockList> => {
  const byFamily = { ipv4: new BlockList(), ipv6: new BlockList() }
  for (const [network, prefix] of list) {
    const family = isIP(network) === 6 ? 'ipv6' : 'ipv4'
    byFamily[family].addSubnet(network, prefix, family)
  }
  return byFamily
}

const LOOPBACK = ranges([['127.0.0.0', 8], ['::1', 128]])
/** "This network", multicast and reserved: 0.0.0.0 even reaches this machine's own services on Linux. */
const UNUSABLE = ranges([['0.0.0.0', 8], ['224.0.0.0', 4], ['240.0.0.0', 4], ['::', 128], ['ff00::', 8]])
/**
 * Private and special networks (RFC 1918, shared CGNAT space, link-local with the cloud metadata
 * service at 169.254.169.254, benchmarking, IPv6 unique-local and link-local, and IPv4 written
 * inside IPv6, whose real destination is one of the above as often as not).
 */
const PRIVATE = ranges([
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['::ffff:0:0', 96],
  ['64:ff9b::', 96],
  ['100::', 64],
  ['fc00::', 7],
  ['fe80::', 10],
])

function addressKind(address: string): AddressKind {
  const family: Family = isIP(address) === 6 ? 'ipv6' : 'ipv4'
  if (LOOPBACK[family].check(address, family)) return 'loopback'
  if (UNUSABLE[family].check(address, family)) return 'unusable'
  return PRIVATE[family].check(address, family) ? 'private' : 'public'
}

/** The URL's host as an address or name, without the brackets of an IPv6 literal. */
const hostOf = (url: URL): string => url.hostname.replace(/^\[(.*)\]$/, '$1')

function addressRefusal(address: string, allowPrivate: boolean): string | undefined {
  const kind = addressKind(address)
  if (kind === 'unusable') return `${address} is not an address a webhook can be sent to`
  if (kind === 'private' && !allowPrivate) {
    return `${address} is on a private network: webhooks go to public addresses and this machine unless the operator sets HEARTH_WEBHOOK_ALLOW_PRIVATE=true`
  }
  return undefined
}

/**
 * Why a webhook may not be sent to this URL, from the URL alone (checked when it is registered, and
 * before every attempt): plain http only to this machine, since every delivery carries health data;
 * no private or special address unless the operator allows private ones.
 */
export function targetRefusal(url: URL, allowPrivate: boolean): string | undefined {
  const host = hostOf(url)
  const literal = isIP(host) !== 0
  const loopback = host === 'localhost' || (literal && addressKind(host) === 'loopback')
  if (url.protocol !== 'https:' && !loopback) {
    return 'plain http is accepted only to this machine (localhost, 127.0.0.1, [::1]): every delivery carries health data, so anywhere else takes https'
  }
  return literal ? addressRefusal(host, allowPrivate) : undefined
}

/**
 * As targetRefusal, and for a host name, every address it resolves to now: a public name that
 * leads into a private network is refused as its address would be. (A name that answers
 * differently between this check and the connection can still slip past: docs/security.md.)
 */
export async function resolvedTargetRefusal(url: URL, allowPrivate: boolean): Promise<string | undefined> {
  const refused = targetRefusal(url, allowPrivate)
  const host = hostOf(url)
  if (refused !== undefined || isIP(host) !== 0) return refused
  const addresses = await lookup(host, { all: true, verbatim: true })
  for (const { address } of addresses) {
    const why = addressRefusal(address, allowPrivate)
    if (why !== undefined) return `${host} resolves to ${address}: ${why}`
  }
  return undefined
}
