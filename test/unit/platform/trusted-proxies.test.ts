import { describe, expect, it } from 'vitest'
import { parseTrustProxy, proxyTrust } from '../../../platform/trusted-proxies.js'

describe('HEARTH_TRUST_PROXY', () => {
  it('is off for false, 0 or nothing', () => {
    for (const off of ['', 'false', '0', ' 0 ']) expect(parseTrustProxy(off), off).toEqual({ setting: false })
  })

  it('takes a hop count: 1 for one reverse proxy, up to 10', () => {
    expect(parseTrustProxy('1')).toEqual({ setting: 1 })
    expect(parseTrustProxy('2')).toEqual({ setting: 2 })
    expect(parseTrustProxy('11')).toEqual({ problem: expect.stringMatching(/hop count is 1 to 10/) })
  })

  it('takes a list of addresses, networks and named ranges', () => {
    expect(parseTrustProxy('10.0.0.5, 10.1.0.0/16,fd00::/8, ::1, loopback, uniquelocal')).toEqual({
      setting: ['10.0.0.5', '10.1.0.0/16', 'fd00::/8', '::1', 'loopback', 'uniquelocal'],
    })
  })

  it('refuses to trust every peer, and says why and what to give instead', () => {
    for (const everything of ['true', 'TRUE', '*', 'all']) {
      const read = parseTrustProxy(everything)
      expect(read, everything).toEqual({ problem: expect.stringMatching(/would trust every peer.*X-Forwarded-For.*number of proxies.*or their addresses/) })
    }
    expect(parseTrustProxy('0.0.0.0/0')).toEqual({ problem: expect.stringMatching(/prefix length must be 1 to 32 \(\/0 would take in every address\)/) })
    expect(parseTrustProxy('::/0')).toEqual({ problem: expect.stringMatching(/1 to 128/) })
  })

  it('names every entry that is not an address or a network', () => {
    const read = parseTrustProxy('10.0.0.1, proxy.example.org, 10.0.0.0/33, 10.0.0.0/8/1, -1,')
    expect('problem' in read && read.problem.split('; ')).toEqual([
      expect.stringMatching(/^proxy\.example\.org is not an address/),
      expect.stringMatching(/^10\.0\.0\.0\/33: the prefix length must be 1 to 32/),
      expect.stringMatching(/^10\.0\.0\.0\/8\/1 is not an address/),
      expect.stringMatching(/^-1 is not an address/),
      'an empty entry in the list',
    ])
  })
})

describe('which peers are proxies', () => {
  it('with a hop count, the nearest ones whatever their address', () => {
    const one = proxyTrust(1)
    expect(one('203.0.113.9', 0)).toBe(true)
    expect(one('127.0.0.1', 1)).toBe(false)
    expect(proxyTrust(2)('198.51.100.1', 1)).toBe(true)
  })

  it('with a list, only peers in it, however far', () => {
    const listed = proxyTrust(['10.0.0.5', '192.168.0.0/16', 'loopback', 'fd00::/8'])
    expect(listed('10.0.0.5', 0)).toBe(true)
    expect(listed('10.0.0.6', 0)).toBe(false)
    expect(listed('192.168.40.2', 3)).toBe(true)
    expect(listed('127.0.0.1', 0)).toBe(true)
    expect(listed('::ffff:127.0.0.1', 0)).toBe(true)
    expect(listed('::1', 0)).toBe(true)
    expect(listed('fd12::7', 0)).toBe(true)
    expect(listed('203.0.113.9', 0)).toBe(false)
    expect(listed('not an address', 0)).toBe(false)
  })

  it('none when off', () => {
    expect(proxyTrust(false)('127.0.0.1', 0)).toBe(false)
  })
})
