import { request } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { METRICS_AUTHORIZATION, METRICS_TOKEN, removeDir, startTestPlatform, tempDir, type TestPlatform } from '../../harness/test-platform.js'
import { loadConfig } from '../../platform/config.js'

/** A GET with any `Host` (fetch will not send one of its own choosing). */
function get(port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (body += chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

describe('/metrics only with the metrics token, or on the loopback metrics port (ASVS 13.4.5)', () => {
  const dirs = [tempDir(), tempDir()]
  let t: TestPlatform
  let untokened: TestPlatform

  beforeAll(async () => {
    t = await startTestPlatform(dirs[0], { HEARTH_METRICS_PORT: '0' })
    untokened = await startTestPlatform(dirs[1], { HEARTH_METRICS_TOKEN: undefined })
  })
  afterAll(async () => {
    await t?.close()
    await untokened?.close()
    for (const dir of dirs) removeDir(dir)
  })

  it('refuses /metrics on the HTTP port without the token, or with another, even to a signed-in admin', async () => {
    const tries: Array<Record<string, string>> = [{}, { authorization: 'Bearer not-the-metrics-token-at-all' }, { authorization: `Basic ${METRICS_TOKEN}` }, { authorization: `Bearer ${METRICS_TOKEN}x` }]
    for (const headers of tries) {
      const answer = await fetch(`${t.httpUrl}/metrics`, { headers })
      expect(answer.status, JSON.stringify(headers)).toBe(401)
      expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer/)
      expect(await answer.text()).not.toContain('hearth_')
    }
    const signedIn = await t.api.request('GET', '/metrics')
    expect(signedIn.status).toBe(401)
  })

  it('serves /metrics on the HTTP port with the token', async () => {
    const answer = await fetch(`${t.httpUrl}/metrics`, { headers: METRICS_AUTHORIZATION })
    expect(answer.status).toBe(200)
    expect(answer.headers.get('cache-control')).toBe('no-store')
    const text = await answer.text()
    expect(text).toContain('# TYPE hearth_mqtt_refusals_total counter')
    // The ingest thread's metrics come with the platform's own.
    expect(text).toContain('hearth_readings_written_total')
  })

  it('serves /metrics on the HTTP port without a token set only to requests made on this machine directly (PROTOCOL §2)', async () => {
    const port = untokened.platform.httpPort
    const local = await get(port, '/metrics', { host: `127.0.0.1:${port}` })
    expect(local.status).toBe(200)
    expect(local.body).toContain('# TYPE hearth_mqtt_refusals_total counter')
    expect((await get(port, '/metrics', { host: `localhost:${port}` })).status).toBe(200)
    // Through a proxy in front of Hearth, or to a name pointed at 127.0.0.1 by a page elsewhere.
    const elsewhere: Array<Record<string, string>> = [{ host: `127.0.0.1:${port}`, 'x-forwarded-for': '203.0.113.9' }, { host: `127.0.0.1:${port}`, forwarded: 'for=203.0.113.9' }, { host: `evil.example:${port}` }]
    for (const headers of elsewhere) {
      const refused = await get(port, '/metrics', headers)
      expect(refused.status, JSON.stringify(headers)).toBe(403)
      expect(refused.body).not.toContain('hearth_')
    }
  })

  it('serves /metrics with no token on the metrics port, on loopback, and nothing else there', async () => {
    const port = t.platform.metricsPort as number
    expect(port).toBeGreaterThan(0)
    expect(untokened.platform.metricsPort).toBeUndefined()
    const metrics = await get(port, '/metrics', { host: `127.0.0.1:${port}` })
    expect(metrics.status).toBe(200)
    expect(metrics.body).toContain('hearth_mqtt_clients_connected 2')
    expect(metrics.body).toContain('hearth_readings_written_total')
    expect((await get(port, '/metrics', { host: `localhost:${port}` })).status).toBe(200)
    expect((await get(port, '/healthz', { host: `127.0.0.1:${port}` })).status).toBe(404)
    expect((await get(port, '/api/persons', { host: `127.0.0.1:${port}` })).status).toBe(404)
    // A page elsewhere whose name was pointed at 127.0.0.1 (DNS rebinding) sends its own name.
    expect((await get(port, '/metrics', { host: `evil.example:${port}` })).status).toBe(404)
  })

  it('checks the settings: a token long enough, and a metrics port of its own', () => {
    expect(loadConfig({}).metrics).toEqual({})
    expect(loadConfig({ HEARTH_METRICS_PORT: '9464', HEARTH_METRICS_TOKEN: METRICS_TOKEN }).metrics).toEqual({ port: 9464, token: METRICS_TOKEN })
    expect(() => loadConfig({ HEARTH_METRICS_TOKEN: 'short' })).toThrow(/HEARTH_METRICS_TOKEN/)
    expect(() => loadConfig({ HEARTH_METRICS_TOKEN: 'with spaces in it, long enough though' })).toThrow(/HEARTH_METRICS_TOKEN/)
    expect(() => loadConfig({ HEARTH_METRICS_PORT: '8080' })).toThrow(/HEARTH_METRICS_PORT.*port of its own/)
    expect(() => loadConfig({ HEARTH_METRICS_PORT: '1883' })).toThrow(/HEARTH_METRICS_PORT/)
    expect(() => loadConfig({ HEARTH_METRICS_PORT: '70000' })).toThrow(/HEARTH_METRICS_PORT/)
  })
})
