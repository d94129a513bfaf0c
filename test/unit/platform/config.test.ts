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

  it('asks for both TLS files and names unknown HEARTH_ variables', () => {
    expect(() => loadConfig({ HEARTH_MQTTS_PORT: '8883' })).toThrow(/HEARTH_TLS_KEY_FILE/)
    expect(loadConfig({ HEARTH_MQTT_PROT: '1' }).unknownVariables).toEqual(['HEARTH_MQTT_PROT'])
  })

  it('takes public origins as a comma-separated list of origins, and refuses what is not one', () => {
    expect(loadConfig({}).publicOrigins).toEqual([])
    expect(loadConfig({ HEARTH_PUBLIC_ORIGIN: 'https://care.example.org, http://10.0.0.5:8080' }).publicOrigins).toEqual(['https://care.example.org', 'http://10.0.0.5:8080'])
    for (const bad of ['https://care.example.org/', 'https://care.example.org/hearth', 'care.example.org', 'ftp://care.example.org']) {
      expect(() => loadConfig({ HEARTH_PUBLIC_ORIGIN: bad }), bad).toThrow(/HEARTH_PUBLIC_ORIGIN.*not an origin/)
    }
  })
})
