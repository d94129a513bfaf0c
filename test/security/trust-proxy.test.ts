import { Writable } from 'node:stream'
import { connectAsync } from 'mqtt'
import { describe, expect, it } from 'vitest'
import { removeDir, startTestPlatform, tempDir } from '../../harness/test-platform.js'
import { createLogger } from '../../platform/logger.js'

/** A platform with this HEARTH_TRUST_PROXY, its log lines (info and up) parsed into `lines`. */
async function platformTrusting(trust: string | undefined, lines: Array<Record<string, unknown>>) {
  const capture = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>)
      done()
    },
  })
  return startTestPlatform(tempDir(), trust === undefined ? {} : { HEARTH_TRUST_PROXY: trust }, undefined, createLogger('info', capture))
}

describe('HEARTH_TRUST_PROXY: whose X-Forwarded-For and X-Forwarded-Proto are taken, over HTTP and MQTT over WebSocket (ASVS 6.3.1)', () => {
  // The test client connects from 127.0.0.1, standing in for a reverse proxy when it is trusted.
  it.each([
    { what: 'off', trust: undefined, client: '127.0.0.1', proxied: false },
    { what: 'one hop', trust: '1', client: '203.0.113.5', proxied: true },
    { what: 'two hops', trust: '2', client: '198.51.100.1', proxied: true },
    { what: 'a list without the peer', trust: '10.0.0.0/8, 192.168.1.1', client: '127.0.0.1', proxied: false },
    { what: 'a list with the peer', trust: '127.0.0.1', client: '203.0.113.5', proxied: true },
    { what: 'a named range', trust: 'loopback', client: '203.0.113.5', proxied: true },
  ])('$what: a failed sign-in or CONNECT is counted against $client', async ({ trust, client, proxied }) => {
    const lines: Array<Record<string, unknown>> = []
    const t = await platformTrusting(trust, lines)
    try {
      const port = new URL(t.httpUrl).port
      const signIn = (headers: Record<string, string>) =>
        fetch(`${t.httpUrl}/api/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify({ username: 'mallory', password: 'guess' }),
        })
      // The client wrote the first entry itself; each proxy appends the address it was reached from.
      expect((await signIn({ 'x-forwarded-for': '198.51.100.1, 203.0.113.5' })).status).toBe(401)
      const failed = lines.filter((line) => line.msg === 'sign-in failed')
      expect(failed.at(-1)?.ip).toBe(client)
      // MQTT over WebSocket: a failed CONNECT is counted against the same address.
      const device = connectAsync(`ws://127.0.0.1:${port}/mqtt`, {
        clientId: 'pendant-x',
        username: 'pendant-x',
        password: 'guess',
        reconnectPeriod: 0,
        wsOptions: { headers: { 'x-forwarded-for': '198.51.100.1, 203.0.113.5' } },
      })
      await expect(device).rejects.toThrow()
      expect(lines.filter((line) => line.msg === 'mqtt refusal').at(-1)).toMatchObject({ address: client, clientId: 'pendant-x' })
      // The scheme the browser used: taken from a trusted proxy only, else the page's https origin is not this one.
      const fromHttpsPage = await signIn({ origin: `https://127.0.0.1:${port}`, 'x-forwarded-proto': 'https' })
      expect(fromHttpsPage.status).toBe(proxied ? 401 : 403)
    } finally {
      await t.close()
      removeDir(t.dataDir)
    }
  })

  it('follows a list back over several proxies of its own, and no further', async () => {
    const lines: Array<Record<string, unknown>> = []
    const t = await platformTrusting('loopback, 10.0.0.0/8', lines)
    try {
      const answer = await fetch(`${t.httpUrl}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': '192.0.2.99, 203.0.113.8, 10.1.2.3, 127.0.0.5' },
        body: JSON.stringify({ username: 'mallory', password: 'guess' }),
      })
      expect(answer.status).toBe(401)
      expect(lines.filter((line) => line.msg === 'sign-in failed').at(-1)?.ip).toBe('203.0.113.8')
    } finally {
      await t.close()
      removeDir(t.dataDir)
    }
  })
})
