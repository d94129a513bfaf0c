import { mkdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { pickFaults, runChaos } from './chaos.js'
import { FAULTS } from './faults/index.js'
import { undoAll } from './interrupt.js'
import { defaultOptions, fleetShape } from './options.js'
import { renderMarkdown, renderText } from './report.js'

const full = defaultOptions(false)
const short = defaultOptions(true)

const HELP = `Usage: npm run chaos [-- options]

Hearth's fault suite: the real platform (node build/platform/main.js, as npm start runs it) as a
child process on loopback, simulated devices over MQTT (QoS 1, persistent sessions,
unacknowledged publishes sent again after a reconnect) and a responder over the HTTP API; one fault per scenario, each on a fresh data folder.
After each, what was stored is read back and counted against what devices were acknowledged.

Faults:
${FAULTS.map((f) => `  ${f.name.padEnd(9)} ${f.describe}`).join('\n')}

Options:
  --only a,b       run these faults only (default: all, in the order above)
  --short          the short run (about 4 minutes for all faults): ${short.devices} devices, ${short.rate} readings/s, shorter faults
  --devices N      devices per scenario, one in ten a pendant (default ${full.devices}; ${short.devices} with --short)
  --rate N         readings a second across the wearables (default ${full.rate}; ${short.rate} with --short)
  --out DIR        where chaos.json and chaos.md go (default chaos-results)
  --keep           keep each scenario's data folder (and the tmpfs mounted) to look into
  -h, --help       this text

Progress goes to stderr, the tables to stdout. Exits 1 if any acknowledged reading, alarm or
command was lost or stored twice (or a scenario did not finish), 2 on a usage error.
Needs root for the disk-full scenario (it mounts a tmpfs), Debian's influxd and libfaketime
(bash .ci/install-packages installs them); a scenario that cannot run here is skipped and says why.
See docs/chaos.md.`

function positive(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback
  const n = Number(value)
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} takes a whole number above 0, not ${value}`)
  return n
}

async function main(): Promise<number> {
  let args
  try {
    args = parseArgs({
      options: {
        only: { type: 'string' },
        short: { type: 'boolean', default: false },
        devices: { type: 'string' },
        rate: { type: 'string' },
        out: { type: 'string', default: 'chaos-results' },
        keep: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }).values
  } catch (error) {
    console.error(`chaos: ${(error as Error).message}\n\n${HELP}`)
    return 2
  }
  if (args.help) {
    console.log(HELP)
    return 0
  }
  const options = defaultOptions(args.short)
  let faults
  try {
    options.devices = positive('devices', args.devices, options.devices)
    options.rate = positive('rate', args.rate, options.rate)
    options.keep = args.keep
    if (options.devices < 3) throw new Error('--devices takes at least 3 (wearables and two pendants)')
    // Each reading's value is its sequence number, and `steps` accepts up to 100,000 (PROTOCOL §1).
    const longestS = (options.warmupMs + options.influxOutageMs + options.afterMs + options.drainMs) / 1000
    if ((options.rate / fleetShape(options.devices).wearables) * longestS > 90_000) throw new Error('--rate is too high for --devices: a wearable would send more than 90,000 readings in one scenario')
    faults = pickFaults((args.only ?? '').split(',').map((s) => s.trim()).filter(Boolean))
  } catch (error) {
    console.error(`chaos: ${(error as Error).message}`)
    return 2
  }
  const shape = fleetShape(options.devices)
  console.error(
    `chaos: ${faults.map((f) => f.name).join(', ')}; ${shape.wearables} wearables and ${shape.pendants} pendants, ${options.rate} readings/s${options.short ? ' (short)' : ''}`,
  )
  const report = await runChaos(options, faults, (line) => console.error(line))
  const out = resolve(args.out)
  mkdirSync(out, { recursive: true })
  writeFileSync(join(out, 'chaos.json'), `${JSON.stringify(report, null, 2)}\n`)
  writeFileSync(join(out, 'chaos.md'), renderMarkdown(report))
  console.log(`\n${renderText(report)}\n\nWritten: ${join(out, 'chaos.json')}, ${join(out, 'chaos.md')}`)
  return report.ok ? 0 : 1
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    console.error(`chaos: ${signal}; stopping the platform and unmounting what was mounted`)
    undoAll()
    process.exit(130)
  })
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error)
    process.exit(1)
  },
)
