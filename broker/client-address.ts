import type { IncomingMessage } from 'node:http'
import { isIPv6 } from 'node:net'

/** Whether the peer at `address`, `hop` proxies away (0: the socket's own peer), is one of Hearth's reverse proxies. */
export type ProxyTrust = (address: string, hop: number) => boolean

/**
 * The address an MQTT-over-WebSocket client's failed CONNECTs are counted against
 * (connect-limits.ts), as express finds a request's: from the socket's peer back along
 * `X-Forwarded-For` (its last entry first) while the address is one of Hearth's proxies; the
 * first that is not is the client. Entries before it are whatever the client wrote.
 */
export function webSocketClientAddress(req: IncomingMessage, trusts: ProxyTrust = () => false): string {
  const forwarded = req.headers['x-forwarded-for']
  const hops = (Array.isArray(forwarded) ? forwarded.join(',') : (forwarded ?? ''))
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .reverse()
  let address = req.socket.remoteAddress
  for (let hop = 0; hop < hops.length && address !== undefined && trusts(address, hop); hop++) address = hops[hop]
  return addressKey(address)
}

/**
 * An address as limits count it: IPv4 as it is (also when written IPv4-mapped, `::ffff:a.b.c.d`);
 * IPv6 by its /64, the smallest network handed to a subscriber, whose 2^64 addresses are one
 * guesser's to choose from.
 */
export function addressKey(address: string | undefined): string {
  if (!address) return 'unknown'
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address)
  if (mapped?.[1]) return mapped[1]
  const bare = address.split('%')[0] ?? address
  if (!isIPv6(bare)) return address
  const [head = '', tail] = bare.split('::')
  const groups = head === '' ? [] : head.split(':')
  if (tail !== undefined) {
    // `::` stands for the zero groups that make eight; an IPv4 tail is two.
    const tailGroups = tail === '' ? [] : tail.split(':')
    const tailCount = tailGroups.length + (tail.includes('.') ? 1 : 0)
    groups.push(...Array<string>(8 - groups.length - tailCount).fill('0'), ...tailGroups)
  }
  return `${groups
    .slice(0, 4)
    .map((g) => parseInt(g, 16).toString(16))
    .join(':')}::/64`
}
