import type { IncomingMessage } from 'node:http'
import { describe, expect, it } from 'vitest'
import { addressKey, webSocketClientAddress } from '../../../broker/client-address.js'

const upgrade = (remoteAddress: string, forwardedFor?: string): IncomingMessage =>
  ({ socket: { remoteAddress }, headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor } }) as unknown as IncomingMessage

describe('the address failed CONNECTs count against', () => {
  it('is an IPv4 address as it is, also written IPv4-mapped', () => {
    expect(addressKey('203.0.113.7')).toBe('203.0.113.7')
    expect(addressKey('::ffff:203.0.113.7')).toBe('203.0.113.7')
    expect(addressKey('::FFFF:127.0.0.2')).toBe('127.0.0.2')
  })

  it('is the /64 of an IPv6 address, however it is written', () => {
    expect(addressKey('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64')
    expect(addressKey('2001:0db8:0001:0002:ffff::1')).toBe('2001:db8:1:2::/64')
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64')
    expect(addressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64')
    expect(addressKey('::1')).toBe('0:0:0:0::/64')
    expect(addressKey('64:ff9b::203.0.113.7')).toBe('64:ff9b:0:0::/64')
  })

  it('is "unknown" for a connection whose peer is gone', () => {
    expect(addressKey(undefined)).toBe('unknown')
  })

  it("over WebSocket is the socket's peer, or behind trusted proxies the entry the nearest untrusted hop added", () => {
    const none = (): boolean => false
    const oneHop = (_address: string, hop: number): boolean => hop < 1
    const twoHops = (_address: string, hop: number): boolean => hop < 2
    const listed = (address: string): boolean => address === '127.0.0.1' || address === '10.0.0.2'
    expect(webSocketClientAddress(upgrade('127.0.0.1', '198.51.100.1, 203.0.113.7'))).toBe('127.0.0.1')
    expect(webSocketClientAddress(upgrade('127.0.0.1', '198.51.100.1, 203.0.113.7'), none)).toBe('127.0.0.1')
    expect(webSocketClientAddress(upgrade('127.0.0.1', '198.51.100.1, 203.0.113.7'), oneHop)).toBe('203.0.113.7')
    expect(webSocketClientAddress(upgrade('127.0.0.1', '198.51.100.1, 203.0.113.7'), twoHops)).toBe('198.51.100.1')
    expect(webSocketClientAddress(upgrade('127.0.0.1', '2001:db8::5'), oneHop)).toBe('2001:db8:0:0::/64')
    expect(webSocketClientAddress(upgrade('127.0.0.1'), oneHop)).toBe('127.0.0.1')
    // A list: back along X-Forwarded-For while the address is a listed proxy; what a client wrote before that is not taken.
    expect(webSocketClientAddress(upgrade('127.0.0.1', '192.0.2.66, 203.0.113.7, 10.0.0.2'), listed)).toBe('203.0.113.7')
    expect(webSocketClientAddress(upgrade('198.51.100.9', '203.0.113.7'), listed)).toBe('198.51.100.9')
    // Every hop a trusted proxy: the furthest address there is.
    expect(webSocketClientAddress(upgrade('127.0.0.1', '10.0.0.2'), listed)).toBe('10.0.0.2')
  })
})
