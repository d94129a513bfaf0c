import { describe, expect, it } from 'vitest'
import { HearthError } from '../../../contract/index.js'
import { loadConfig } from '../../../platform/config.js'

describe('loadConfig', () => {
  it('runs with no variables set, on the PROTOCOL §3 defaults', () => {
    const config = loadConfig({})
    expect(config).toMatchObject({ httpPort: 8080, mqttPort: 1883, maxPacketBytes: 65536, logLevel: 'info' })
    expect(config.dataDir).toMatch(/\/data$/)
    expect(config.tls).toBeUndefined()
  })

  it('reports every bad variable at once', () => {
    let error: unknown
    try {
      loadConfig({ HEARTH_HTTP_PORT: 'eighty', HEARTH_MQTT_PORT: '70000', HEARTH_ADMIN_PASSWORD: 'short' })
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(HearthError)
    expect((error as HearthError).problems?.map((p) => p.field).sort()).toEqual(['HEARTH_ADMIN_PASSWORD', 'HEARTH_HTTP_PORT', 'HEARTH_MQTT_PORT'])
  })

  it('gives the roles that require two-factor sign-in 7 days to set it up unless told otherwise (0: at once)', () => {
    expect(loadConfig({}).twoFactorGraceMs).toBe(7 * 86_400_000)
    expect(loadConfig({ HEARTH_TWO_FACTOR_GRACE_DAYS: '0' }).twoFactorGraceMs).toBe(0)
    for (const bad of ['-1', '1.5', '366', 'a week']) expect(() => loadConfig({ HEARTH_TWO_FACTOR_GRACE_DAYS: bad })).toThrow(/HEARTH_TWO_FACTOR_GRACE_DAYS/)
  })

  it('asks for both TLS files and names unknown HEARTH_ variables', () => {
    expect(() => loadConfig({ HEARTH_MQTTS_PORT: '8883' })).toThrow(/HEARTH_TLS_KEY_FILE/)
    expect(loadConfig({ HEARTH_MQTT_PROT: '1' }).unknownVariables).toEqual(['HEARTH_MQTT_PROT'])
  })

  it('takes HEARTH_TRUST_PROXY as off, a hop count or proxy addresses, and never as every peer', () => {
    expect(loadConfig({}).trustProxy).toBe(false)
    expect(loadConfig({ HEARTH_TRUST_PROXY: 'false' }).trustProxy).toBe(false)
    expect(loadConfig({ HEARTH_TRUST_PROXY: '0' }).trustProxy).toBe(false)
    expect(loadConfig({ HEARTH_TRUST_PROXY: '1' }).trustProxy).toBe(1)
    expect(loadConfig({ HEARTH_TRUST_PROXY: '10.0.0.5, 10.1.0.0/16, loopback' }).trustProxy).toEqual(['10.0.0.5', '10.1.0.0/16', 'loopback'])
    for (const everything of ['true', '*', 'all']) {
      let error: unknown
      try {
        loadConfig({ HEARTH_TRUST_PROXY: everything, HEARTH_HTTP_PORT: 'eighty' })
      } catch (e) {
        error = e
      }
      expect(error, everything).toBeInstanceOf(HearthError)
      // Reported with the other problems, and saying what to give instead.
      expect((error as HearthError).problems?.map((p) => p.field).sort()).toEqual(['HEARTH_HTTP_PORT', 'HEARTH_TRUST_PROXY'])
      expect((error as HearthError).message).toMatch(/HEARTH_TRUST_PROXY: .*would trust every peer.*1 for one reverse proxy/)
    }
    expect(() => loadConfig({ HEARTH_TRUST_PROXY: 'proxy.example.org' })).toThrow(/HEARTH_TRUST_PROXY: proxy\.example\.org is not an address/)
  })

  it('takes public origins as a comma-separated list of origins, and refuses what is not one', () => {
    expect(loadConfig({}).publicOrigins).toEqual([])
    expect(loadConfig({ HEARTH_PUBLIC_ORIGIN: 'https://care.example.org, http://10.0.0.5:8080' }).publicOrigins).toEqual(['https://care.example.org', 'http://10.0.0.5:8080'])
    for (const bad of ['https://care.example.org/', 'https://care.example.org/hearth', 'care.example.org', 'ftp://care.example.org']) {
      expect(() => loadConfig({ HEARTH_PUBLIC_ORIGIN: bad }), bad).toThrow(/HEARTH_PUBLIC_ORIGIN.*not an origin/)
    }
  })
})
