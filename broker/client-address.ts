import type { IncomingMessage } from 'node:http'
import { isIPv6 } from 'node:net'

/**
 * The address an MQTT-over-WebSocket client's failed CONNECTs are counted against
 * (connect-limits.ts): the socket's peer, or with `trustProxy` the last `X-Forwarded-For` entry,
 * the one Hearth's own reverse proxy added (any before it are whatever the client sent).
 */
export function webSocketClientAddress(req: IncomingMessage, trustProxy: boolean): string {
  const forwarded = trustProxy ? req.headers['x-forwarded-for'] : undefined
  const last = (Array.isArray(forwarded) ? forwarded.join(',') : forwarded)?.split(',').at(-1)?.trim()
  return addressKey(last || req.socket.remoteAddress)
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
