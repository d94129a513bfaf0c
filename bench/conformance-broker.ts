import { parseArgs } from 'node:util'
import { createLogger } from '../platform/logger.js'
import { startOpenBroker } from '../harness/open-broker.js'

const HELP = `Usage: npx tsx bench/conformance-broker.ts [options]

Starts Hearth's MQTT broker as broker/create-broker.ts composes it (session store, frame guard,
packet rules, aedes) with an authorizer that lets every client in and allows every publish and
subscription (but those named with --refuse-subscribe), for running MQTT conformance suites (the
Eclipse Paho interoperability tests, mosquitto's msg_sequence tests) against it.
Prints "listening on HOST:PORT" on stdout once it accepts connections; runs until SIGINT or SIGTERM.

Options
  --host HOST               address to listen on (default 127.0.0.1)
  --port PORT               TCP port; 0 picks a free one (default 0)
  --max-packet-bytes N      largest packet accepted (default 65536, as HEARTH_MAX_PACKET_BYTES)
  --connect-timeout-ms MS   time a connection has to send CONNECT (default 10000)
  --refuse-subscribe FILTER a topic filter whose subscription gets SUBACK 0x80; may be repeated
                            (the Paho suite's subscribe failure test needs test/nosubscribe)
  --log-level LEVEL         pino level for the broker's log on stderr, e.g. warn to see each
                            refusal (default silent)
  -h, --help                this text`

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '0' },
      'max-packet-bytes': { type: 'string', default: String(64 * 1024) },
      'connect-timeout-ms': { type: 'string', default: '10000' },
      'log-level': { type: 'string', default: 'silent' },
      'refuse-subscribe': { type: 'string', multiple: true, default: [] },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help) return void console.log(HELP)
  const number = (name: string, text: string): number => {
    const value = Number(text)
    if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} must be a whole number, not ${text}`)
    return value
  }
  const { broker, port } = await startOpenBroker({
    host: values.host,
    port: number('port', values.port),
    maxPacketBytes: number('max-packet-bytes', values['max-packet-bytes']),
    connectTimeoutMs: number('connect-timeout-ms', values['connect-timeout-ms']),
    logger: createLogger(values['log-level'], process.stderr),
    refuseSubscriptions: values['refuse-subscribe'],
  })
  console.log(`listening on ${values.host}:${port}`)
  const stop = (): void => {
    void broker.close().then(() => process.exit(0))
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error)
  process.exit(1)
})
