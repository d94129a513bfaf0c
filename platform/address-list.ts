import { BlockList, isIP } from 'node:net'

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

/** The subnets an entry of a list stands for, or why it is not one. */
function subnetsOf(entry: string): ReadonlyArray<readonly [string, number]> | string {
  const named = NAMED_RANGES[entry.toLowerCase()]
  if (named) return named
  const [address = '', prefixText, ...rest] = entry.split('/')
  const family = isIP(address)
  if (family === 0 || rest.length > 0) return `${entry} is not an address, a network such as 10.0.0.0/8, or loopback, linklocal, uniquelocal`
  const widest = family === 4 ? 32 : 128
  if (prefixText === undefined) return [[address, widest]]
  const prefix = /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN
  if (!(prefix >= 1 && prefix <= widest)) return `${entry}: the prefix length must be 1 to ${widest} (/0 would take in every address)`
  return [[address, prefix]]
}

/** A comma-separated list of addresses, networks and range names, or what is wrong with it (every problem at once). */
export function parseAddressList(text: string): { entries: readonly string[] } | { problem: string } {
  const entries = text.split(',').map((entry) => entry.trim())
  const problems = entries.map((entry) => (entry === '' ? 'an empty entry in the list' : subnetsOf(entry))).filter((s): s is string => typeof s === 'string')
  return problems.length > 0 ? { problem: problems.join('; ') } : { entries }
}

/**
 * Whether an address is in the list. An IPv4 address written IPv4-mapped (`::ffff:127.0.0.1`, as a
 * dual-stack listener reports it) is matched as IPv4; anything that is not an address is not in it.
 */
export function addressMatcher(entries: readonly string[]): (address: string | undefined) => boolean {
  const list = new BlockList()
  for (const entry of entries) {
    const subnets = subnetsOf(entry)
    if (typeof subnets === 'string') throw new Error(subnets)
    for (const [network, prefix] of subnets) list.addSubnet(network, prefix, isIP(network) === 4 ? 'ipv4' : 'ipv6')
  }
  return (address) => {
    if (address === undefined) return false
    const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address)?.[1]
    const bare = mapped ?? address.split('%')[0] ?? address
    const family = isIP(bare)
    if (family === 0) return false
    try {
      return list.check(bare, family === 4 ? 'ipv4' : 'ipv6')
    } catch {
      return false
    }
  }
}
