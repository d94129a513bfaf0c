import { randomBytes } from 'node:crypto'
import { parseArgs } from 'node:util'
import { runHomes } from '../simulators/run-homes.js'
import { throwawayConfig } from './throwaway-config.js'
import { createDemoCircles, type DemoAccount } from './demo-circles.js'
import { createLogger } from './logger.js'
import { startPlatform } from './start-platform.js'

const HELP = `Usage: npm run demo [-- --homes N]

Starts Hearth on a fresh ./demo-data folder with N simulated homes (default 10) that send
vitals and, now and then, press a pendant or fall, so live alerts reach the dashboard within a
minute. The people stand in circles of care: the telecare service monitors them all, and a
community nursing team, a GP practice, social care, a housing provider and a befriending charity
join the circles of the first five (one of them by a proxy's consent); the first person also
has a daughter in their circle and an account of their own. Every person has what matters to
them (preferred name, goals, communication needs, routine) and a response plan of 2 to 4 people
to call, a family member with an email among them; the supervisor has an email, for alarms
nobody answers in time (with HEARTH_SMTP_URL set). Prints where to sign in: admin, and
a user of each kind with one shared demo password, and what each will see. Ctrl-C stops it.
HEARTH_ variables apply as for npm start, except HEARTH_DATA_DIR: the demo always uses
./demo-data and wipes it first. HEARTH_ADMIN_PASSWORD, when set, is admin's password; the demo
users' password is new at each start.`

/** Who to sign in as, one line each: username, organisation, role, what they will see. */
function signInTable(accounts: readonly DemoAccount[]): string {
  const rows = [['username', 'organisation', 'role', 'what they will see'], ...accounts.map((a) => [a.username, a.organisation, a.role, a.sees])]
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => (r[i] ?? '').length)))
  return rows.map((r) => `  ${r.map((cell, i) => (i < 3 ? cell.padEnd(widths[i] ?? 0) : cell)).join('  ')}`).join('\n')
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { help: { type: 'boolean', short: 'h' }, homes: { type: 'string' } }, strict: true })
  if (values.help) {
    console.log(HELP)
    return
  }
  const homes = Number(values.homes ?? 10)
  if (!Number.isInteger(homes) || homes < 1 || homes > 500) throw new Error('--homes must be a whole number from 1 to 500')
  const { config, password } = throwawayConfig('./demo-data', 'warn')
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
  log('joining the care teams to the circles…')
  const demoPassword = randomBytes(9).toString('base64url')
  const circles = await createDemoCircles({
    apiUrl: `http://127.0.0.1:${platform.httpPort}`,
    admin: { username: 'admin', password },
    personIds: run.homes.map((h) => h.personId),
    password: demoPassword,
  })
  const admin: DemoAccount = { username: 'admin', displayName: 'Administrator', organisation: 'Hearth telecare service', role: 'admin', sees: `everyone (${homes} people); organisations, users, the audit log` }
  console.log(
    [
      `\nHearth demo is running with ${homes} homes; ${circles.organisations.length} organisations stand in their circles of care.`,
      `  Open ${url} and sign in as admin / ${password}, or as one of these with the password ${demoPassword}:\n`,
      signInTable([admin, ...circles.accounts]),
      `\n  A pendant press arrives within seconds, then every 30 s; a fall every 75 s. Ctrl-C stops.\n`,
    ].join('\n'),
  )
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
