import { describe, expect, it } from 'vitest'
import { pickFaults } from '../../chaos/chaos.js'
import { defaultOptions } from '../../chaos/options.js'
import { renderText } from '../../chaos/report.js'
import { runScenario } from '../../chaos/scenario.js'

/**
 * The fault suite (`npm run chaos`, docs/chaos.md) cut down to run with the tests: three faults,
 * each on a fresh data folder with the real platform as its own process, 20 devices over MQTT and
 * a responder over the API, a few seconds of load either side of the fault. Every reading, alarm
 * and command acknowledged must be stored, once.
 */
const FAULTS = ['kill9', 'sigterm', 'diskfull', 'flood']

const options = {
  ...defaultOptions(true),
  devices: 20,
  rate: 200,
  warmupMs: 3000,
  afterMs: 4000,
  diskFullMs: 4000,
  floodMs: 5000,
  drainMs: 25_000,
}

describe('faults under load: nothing acknowledged is lost or stored twice', () => {
  for (const fault of pickFaults(FAULTS)) {
    it(`${fault.name}: ${fault.title}`, { timeout: 90_000 }, async (ctx) => {
      const lines: string[] = []
      const result = await runScenario(fault, options, (line) => lines.push(line))
      if (result.skipped) {
        console.log(`${fault.name} skipped: ${result.skipped}`)
        ctx.skip()
        return
      }
      const table = renderText({ startedAt: new Date().toISOString(), options, scenarios: [result], ok: result.ok })
      console.log(table)
      const context = `${table}\n\n${lines.join('\n')}`
      expect(result.error, context).toBeUndefined()
      for (const kind of ['readings', 'alarms', 'commands'] as const) {
        const tally = result[kind]
        expect(tally?.attempted, `${kind} attempted\n${context}`).toBeGreaterThan(0)
        expect(tally?.lost, `${kind} lost\n${context}`).toBe(0)
        expect(tally?.duplicated, `${kind} duplicated\n${context}`).toBe(0)
      }
    })
  }
})
