import { randomBytes } from 'node:crypto'
import { parseArgs } from 'node:util'
import type { Clock } from '../contract/index.js'
import { ApiClient } from '../simulators/api-client.js'
import { runScenario } from '../simulators/run-scenario.js'
import { SCENARIOS } from '../simulators/scenarios/index.js'
import { throwawayConfig } from './throwaway-config.js'
import { createLogger } from './logger.js'
import { startPlatform } from './start-platform.js'

const HELP = `Usage: npm run scenario -- NAME [--speed N]
       npm run scenario -- --list

Plays a named scenario through a fresh Hearth (broker, ingest, rules, alerting and the
dashboard, on ./scenario-data, wiped first) with its clock moved by the scenario: a person's
night or morning in seconds. Watch it on the dashboard (the address and password are printed);
at the end it lists the alerts raised against the ones expected, and exits 1 if they differ.

Options:
  --speed N   simulated seconds per real second (default 600: ten minutes a second;
              0 plays as fast as the platform answers)
  --list      the scenarios, with what each expects
  -h, --help  this text

HEARTH_ variables apply as for npm start, except HEARTH_DATA_DIR.`

/** The platform's time: set by the scenario, moment by moment, paced for a person to watch. */
class PacedClock implements Clock {
  constructor(private ms: number) {}
  now(): number {
    return this.ms
  }
  set(ms: number): void {
    this.ms = Math.max(this.ms, ms)
  }
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    options: { help: { type: 'boolean', short: 'h' }, list: { type: 'boolean' }, speed: { type: 'string' } },
    allowPositionals: true,
    strict: true,
  })
  if (values.help) return console.log(HELP)
  if (values.list) {
    for (const s of SCENARIOS) console.log(`${s.name.padEnd(22)} ${s.title}: ${s.expected.map((e) => `${e.kind} at ${e.raisedAt}`).join(', ')}`)
    return
  }
  const scenario = SCENARIOS.find((s) => s.name === positionals[0])
  if (!scenario || positionals.length !== 1) throw new Error(`name one scenario: ${SCENARIOS.map((s) => s.name).join(', ')} (--help for more)`)
  const speed = Number(values.speed ?? 600)
  if (!Number.isFinite(speed) || speed < 0 || speed > 1_000_000) throw new Error('--speed must be a number from 0 to 1000000')

  // The scenario reads /metrics to know when the rules have judged each message.
  const metricsToken = process.env.HEARTH_METRICS_TOKEN ?? randomBytes(24).toString('base64url')
  const { config, password } = throwawayConfig('./scenario-data', 'error', { HEARTH_METRICS_TOKEN: metricsToken })
  const start = Date.parse(scenario.start)
  const clock = new PacedClock(start)
  const platform = await startPlatform(config, createLogger(config.logLevel), clock)
  console.log(`${scenario.title} (${scenario.name}), from ${scenario.start} in ${scenario.timeZone}`)
  console.log(`Watch at http://localhost:${platform.httpPort}/ as admin / ${password}\n`)
  try {
    const api = new ApiClient(`http://127.0.0.1:${platform.httpPort}`, { metricsToken })
    await api.login('admin', password)
    let lastOffset = 0
    const result = await runScenario(scenario, {
      api,
      mqttUrl: `mqtt://127.0.0.1:${platform.mqttPort}`,
      follow: true,
      log: (line) => console.log(line),
      clock: {
        async advanceTo(offsetMs) {
          if (speed > 0 && offsetMs > lastOffset) await new Promise((resolve) => setTimeout(resolve, (offsetMs - lastOffset) / speed))
          lastOffset = Math.max(lastOffset, offsetMs)
          clock.set(start + offsetMs)
          platform.tick()
        },
      },
    })
    console.log('')
    for (const c of result.checks) console.log(`${c.ok ? 'ok  ' : 'FAIL'} ${c.text}`)
    console.log(result.ok ? '\nAs expected.' : '\nNot as expected.')
    process.exitCode = result.ok ? 0 : 1
  } finally {
    await platform.close()
  }
}

main().catch((error: unknown) => {
  console.error(`hearth scenario: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(2)
})
