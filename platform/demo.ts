import { randomBytes } from 'node:crypto'
import { rmSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { runHomes } from '../simulators/run-homes.js'
import { loadConfig } from './config.js'
import { createLogger } from './logger.js'
import { startPlatform } from './start-platform.js'

const HELP = `Usage: npm run demo [-- --homes N]

Starts Hearth on a fresh ./demo-data folder with N simulated homes (default 10) that send
vitals and, now and then, press a pendant or fall, so live alerts reach the dashboard within a
minute. Prints where to sign in. Ctrl-C stops it. HEARTH_ variables apply as for npm start,
except HEARTH_DATA_DIR: the demo always uses ./demo-data and wipes it first.`

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { help: { type: 'boolean', short: 'h' }, homes: { type: 'string' } }, strict: true })
  if (values.help) {
    console.log(HELP)
    return
  }
  const homes = Number(values.homes ?? 10)
  if (!Number.isInteger(homes) || homes < 1 || homes > 500) throw new Error('--homes must be a whole number from 1 to 500')
  const password = process.env.HEARTH_ADMIN_PASSWORD ?? randomBytes(9).toString('base64url')
  // Always its own folder, wiped at each start: never HEARTH_DATA_DIR, which may hold real people.
  const config = loadConfig({
    HEARTH_LOG_LEVEL: 'warn',
    ...process.env,
    HEARTH_DATA_DIR: './demo-data',
    HEARTH_ADMIN_PASSWORD: password,
  })
  rmSync(config.dataDir, { recursive: true, force: true })
  const platform = await startPlatform(config, createLogger(config.logLevel))
  const url = `http://localhost:${platform.httpPort}/`
  const log = (line: string): void => console.log(`[${new Date().toLocaleTimeString()}] ${line}`)
  log('starting simulated homes…')
  const run = await runHomes({
    apiUrl: `http://127.0.0.1:${platform.httpPort}`,
    mqttUrl: `mqtt://127.0.0.1:${platform.mqttPort}`,
    username: 'admin',
    password,
    homes,
    reportSeconds: 5,
    pressEverySeconds: 30,
    fallEverySeconds: 75,
    log,
  })
  console.log(`\nHearth demo is running with ${homes} homes.\n  Open ${url} and sign in as admin / ${password}\n  A pendant press arrives within seconds, then every 30 s; a fall every 75 s. Ctrl-C stops.\n`)
  setTimeout(() => void run.homes[0]?.press(), 3000)
  const stop = (): void => {
    void run
      .stop()
      .then(() => platform.close())
      .then(() => process.exit(0))
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

main().catch((error: unknown) => {
  console.error(`hearth demo: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
})
