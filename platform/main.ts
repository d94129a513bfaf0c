import { parseArgs } from 'node:util'
import { HearthError } from '../contract/index.js'
import { CONFIG_HELP, loadConfig } from './config.js'
import { createLogger } from './logger.js'
import { OPEN_IN_CLEAR, openInClear } from './open-in-clear.js'
import { servedUrls } from './served-urls.js'
import { startPlatform } from './start-platform.js'

const HELP = `Usage: npm start [-- --help]

Runs the whole Hearth platform in one process: the MQTT broker (TCP, and WebSocket at /mqtt),
ingest, alerting and the dashboard. Configured by environment variables:

${CONFIG_HELP.map((name) => `  ${name}`).join('\n')}

See docs/configuration.md for what each one does and its default.`

async function main(): Promise<void> {
  // Whatever this process writes is its owner's alone (0600 files, 0700 folders), besides the
  // modes the stores give the data folder's files themselves: it holds health data.
  process.umask(0o077)
  const { values } = parseArgs({ options: { help: { type: 'boolean', short: 'h' } }, strict: true })
  if (values.help) {
    console.log(HELP)
    return
  }
  const config = loadConfig(process.env)
  const logger = createLogger(config.logLevel)
  if (config.unknownVariables.length > 0) logger.warn({ variables: config.unknownVariables }, 'ignoring unknown HEARTH_ variables')
  const platform = await startPlatform(config, logger)
  const urls = servedUrls(config, platform)
  const mqtt = [urls.mqtt, ...(urls.mqtts === undefined ? [] : [urls.mqtts])].join(', ')
  console.log(`\nHearth is running.\n  Dashboard: ${urls.dashboard}\n  MQTT:      ${mqtt} (and ${urls.mqttOverWebSocket})`)
  if (platform.metricsPort !== undefined) console.log(`  Metrics:   http://127.0.0.1:${platform.metricsPort}/metrics`)
  if (openInClear(config)) console.log(`\n  ${OPEN_IN_CLEAR}\n`)
  if (platform.generatedAdminPassword && platform.adminPasswordFile) {
    // PROTOCOL §3: printed once, here on the console and never in the log lines; also kept in an owner-only file.
    console.log(
      `  Sign in as admin with password ${platform.generatedAdminPassword}, then choose your own.\n  (shown once, also in ${platform.adminPasswordFile}, readable by this user only: delete it once signed in;\n  set HEARTH_ADMIN_PASSWORD on a fresh data dir to choose it)`,
    )
  }
  let stopping = false
  const stop = (signal: string): void => {
    if (stopping) return
    stopping = true
    logger.info({ signal }, 'stopping')
    const force = setTimeout(() => process.exit(1), 15_000)
    force.unref()
    platform.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'stop failed')
        process.exit(1)
      },
    )
  }
  process.on('SIGTERM', () => stop('SIGTERM'))
  process.on('SIGINT', () => stop('SIGINT'))
}

main().catch((error: unknown) => {
  const message = error instanceof HearthError || (error instanceof Error && 'code' in error) ? error.message : String(error)
  console.error(`hearth: ${message}`)
  process.exit(error instanceof HearthError ? 2 : 1)
})
