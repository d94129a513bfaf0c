import { createInterface } from 'node:readline'
import { parseArgs } from 'node:util'
import { z } from 'zod'
import { describeProblems, problemsFromZod } from '../contract/index.js'
import { runHomes } from './run-homes.js'

const HELP = `Usage: npm run sim -- [options]

Provisions simulated homes through the Hearth API and runs them over MQTT. Each home has a
pendant, a fall detector, a wearable (pulse, respiration, SpO2, temperature) and a motion sensor.

Options:
  --api URL              Hearth HTTP API (default http://localhost:8080)
  --mqtt URL             Hearth MQTT broker (default mqtt://localhost:1883)
  --username NAME        user that provisions the devices (default admin)
  --password PASSWORD    that user's password (or HEARTH_SIM_PASSWORD)
  --homes N              how many homes (default 10)
  --report-seconds S     seconds between vitals reports (default 10)
  --press-every S        a random pendant press every S seconds (default 0: off)
  --fall-every S         a random fall every S seconds (default 0: off)
  -h, --help             this text

While it runs, type "press N" or "fall N" (N is the home number, from 1) and Enter,
"homes" to list them, or "quit".`

const OptionsSchema = z.strictObject({
  api: z.url().default('http://localhost:8080'),
  mqtt: z.string().regex(/^(mqtts?|wss?):\/\//, 'an mqtt://, mqtts://, ws:// or wss:// URL').default('mqtt://localhost:1883'),
  username: z.string().min(1).default('admin'),
  password: z.string().min(1, 'give --password or set HEARTH_SIM_PASSWORD'),
  homes: z.coerce.number().int().min(1).max(1000).default(10),
  'report-seconds': z.coerce.number().min(1).max(3600).default(10),
  'press-every': z.coerce.number().min(0).max(86_400).default(0),
  'fall-every': z.coerce.number().min(0).max(86_400).default(0),
})

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      api: { type: 'string' },
      mqtt: { type: 'string' },
      username: { type: 'string' },
      password: { type: 'string' },
      homes: { type: 'string' },
      'report-seconds': { type: 'string' },
      'press-every': { type: 'string' },
      'fall-every': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  })
  if (values.help) {
    console.log(HELP)
    return
  }
  const { help: _help, ...rest } = values
  const parsed = OptionsSchema.safeParse({ password: process.env.HEARTH_SIM_PASSWORD ?? '', ...rest })
  if (!parsed.success) {
    console.error(`hearth-sim: ${describeProblems(problemsFromZod(parsed.error))}\n\n${HELP}`)
    process.exit(2)
  }
  const o = parsed.data
  const log = (line: string): void => console.log(`[${new Date().toLocaleTimeString()}] ${line}`)
  const run = await runHomes({
    apiUrl: o.api,
    mqttUrl: o.mqtt,
    username: o.username,
    password: o.password,
    homes: o.homes,
    reportSeconds: o['report-seconds'],
    pressEverySeconds: o['press-every'],
    fallEverySeconds: o['fall-every'],
    log,
  })
  log(`${run.homes.length} homes running. Type "press 1", "fall 2", "homes" or "quit".`)
  const stop = async (): Promise<void> => {
    await run.stop()
    process.exit(0)
  }
  process.on('SIGINT', () => void stop())
  process.on('SIGTERM', () => void stop())
  createInterface({ input: process.stdin }).on('line', (line) => {
    const [verb, arg] = line.trim().split(/\s+/)
    const home = run.homes[Number(arg) - 1]
    if (verb === 'quit') void stop()
    else if (verb === 'homes') run.homes.forEach((h, i) => log(`${i + 1}: ${h.personName} (${h.personId})`))
    else if ((verb === 'press' || verb === 'fall') && home) void (verb === 'press' ? home.press() : home.fall())
    else if (verb) log(`unknown command "${line.trim()}": try "press 1", "fall 1", "homes" or "quit"`)
  })
}

main().catch((error: unknown) => {
  console.error(`hearth-sim: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
})
