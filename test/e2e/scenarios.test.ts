import { afterEach, describe, expect, it } from 'vitest'
import { ApiClient } from '../../simulators/api-client.js'
import { runScenario } from '../../simulators/run-scenario.js'
import { SCENARIOS } from '../../simulators/scenarios/index.js'
import { ADMIN_PASSWORD, METRICS_TOKEN, ManualClock, removeDir, startTestPlatform, tempDir, type TestPlatform } from '../../harness/test-platform.js'

/**
 * Each named scenario through the real broker, ingest, rules and alerting, on a platform clock
 * the test moves: hours of a person's day in a second or two.
 */
describe('rule scenarios, end to end', () => {
  let t: TestPlatform | undefined
  let dataDir: string | undefined

  afterEach(async () => {
    await t?.close()
    if (dataDir) removeDir(dataDir)
    t = undefined
  })

  for (const scenario of SCENARIOS) {
    it(`${scenario.title}: raises ${scenario.expected.map((e) => `${e.kind} at ${e.raisedAt}`).join(', ')}, in order, and nothing else`, { timeout: 120_000 }, async () => {
      const start = Date.parse(scenario.start)
      const clock = new ManualClock(start)
      dataDir = tempDir()
      t = await startTestPlatform(dataDir, {}, clock)
      const platform = t.platform
      const api = new ApiClient(t.httpUrl, { metricsToken: METRICS_TOKEN })
      await api.login('admin', ADMIN_PASSWORD)
      const result = await runScenario(scenario, {
        api,
        mqttUrl: t.mqttUrl,
        log: () => undefined,
        clock: {
          advanceTo(offsetMs) {
            clock.set(start + offsetMs)
            platform.tick()
            return Promise.resolve()
          },
        },
      })
      expect(result.checks.filter((c) => !c.ok)).toEqual([])
      expect(result.alerts.map((a) => a.kind)).toEqual(scenario.expected.map((e) => e.kind))
    })
  }
})
