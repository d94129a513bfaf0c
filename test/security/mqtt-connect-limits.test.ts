import { createConnection } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MqttClient } from 'mqtt'
import { Registry } from 'prom-client'
import { createBroker, type Broker } from '../../broker/create-broker.js'
import { generateDeviceSecret, hashDeviceSecret } from '../../broker/device-secret.js'
import { capturedLog } from '../helpers/log-lines.js'

/**
 * Failed CONNECTs limited per address and per device id (broker/connect-limits.ts), over TCP with
 * MQTT.js clients from several loopback addresses (127.0.0.0/8 is all loopback on Linux). The
 * broker runs with its default limits, on the test's clock: holds end when the test moves it,
 * never by waiting.
 */
describe('limits on failed MQTT CONNECTs', () => {
  const clock = { ms: Date.parse('2026-11-22T10:00:00Z'), now: () => clock.ms }
  const metrics = new Registry()
  const { lines, logger } = capturedLog('warn')
  const devices = new Map(['pendant-1', 'pendant-2', 'pendant-3', 'pendant-9'].map((id) => [id, generateDeviceSecret()]))
  const hashes = new Map([...devices].map(([id, secret]) => [id, hashDeviceSecret(secret)]))
  /** Device ids whose secret hash the broker looked up: one per secret it checked. */
  const lookups: string[] = []
  let broker: Broker

  beforeAll(async () => {
    broker = createBroker(
      { host: '127.0.0.1', port: 0, maxPacketBytes: 64 * 1024, connectTimeoutMs: 2000 },
      {
        logger,
        metrics,
        clock,
        credentials: {
          secretHashOf: (id) => {
            lookups.push(id)
            return hashes.get(id)
          },
        },
        services: [],
        admitEvent: (_deviceId, _payload, _dup, _receivedAtMs, done) => done(),
        readingsLog: { append: (_deviceId, _receivedAtMs, _payload, done) => done() },
      },
    )
    await broker.start()
  })

  afterAll(() => broker.close())

  /** CONNECTs from `localAddress` as device `id`: the CONNACK return code (0 when connected; the client is then closed). */
  const connectFrom = (localAddress: string, id: string, secret: string): Promise<number> =>
    new Promise((resolve, reject) => {
      const client = new MqttClient(() => createConnection({ host: '127.0.0.1', port: broker.port(), localAddress }), {
        clientId: id,
        username: id,
        password: secret,
        reconnectPeriod: 0,
        connectTimeout: 5000,
      })
      client.once('connect', () => client.end(true, () => resolve(0)))
      client.once('error', (error: Error & { code?: unknown }) => {
        client.end(true)
        if (typeof error.code === 'number') resolve(error.code)
        else reject(error)
      })
    })
  const secretOf = (id: string): string => devices.get(id) ?? ''
  const refusals = async (reason: string): Promise<number> => {
    const metric = await metrics.getSingleMetric('hearth_mqtt_refusals_total')?.get()
    return metric?.values.find((v) => v.labels.reason === reason)?.value ?? 0
  }
  const linesFrom = (address: string) => lines.filter((l) => l.address === address)

  it('refuses a guesser from one address at once after 10 failures, checks no more secrets, and logs a few lines and a count', async () => {
    const codes: number[] = []
    for (let i = 0; i < 60; i++) codes.push(await connectFrom('127.0.0.2', 'pendant-1', `guess-${i}`))
    expect(codes).toEqual([...Array<number>(10).fill(4), ...Array<number>(50).fill(3)])
    expect(lookups.filter((id) => id === 'pendant-1')).toHaveLength(10)
    expect(await refusals('bad_password')).toBe(10)
    expect(await refusals('connect_rate_limited')).toBe(50)
    expect(linesFrom('127.0.0.2').map((l) => l.reason)).toEqual(Array(5).fill('bad_password'))
    // The next window: its first refusal is logged, after one line counting what the last left out.
    clock.ms += 10_000
    expect(await connectFrom('127.0.0.2', 'pendant-1', secretOf('pendant-1'))).toBe(3)
    expect(linesFrom('127.0.0.2').slice(5)).toMatchObject([
      { omitted: 55, reasons: { bad_password: 5, connect_rate_limited: 50 }, msg: '55 further CONNECT refusals from 127.0.0.2 not logged (more than 5 in 10 s)' },
      { reason: 'connect_rate_limited', heldBy: 'address', clientId: 'pendant-1', msg: 'mqtt refusal' },
    ])
  })

  it('lets a device in from another address meanwhile, and one at the held address that connected from it before', async () => {
    expect(await connectFrom('127.0.0.3', 'pendant-3', secretOf('pendant-3'))).toBe(0)
    for (let i = 0; i < 10; i++) await connectFrom('127.0.0.3', 'ghost-1', 'guess')
    expect(await connectFrom('127.0.0.3', 'pendant-2', secretOf('pendant-2'))).toBe(3)
    expect(await connectFrom('127.0.0.3', 'pendant-3', secretOf('pendant-3'))).toBe(0)
    expect(await connectFrom('127.0.0.4', 'pendant-2', secretOf('pendant-2'))).toBe(0)
  })

  it('holds a device id guessed from many addresses, and lets the device in once the hold is over', async () => {
    const codes: number[] = []
    for (let i = 1; i <= 25; i++) codes.push(await connectFrom(`127.0.1.${i}`, 'pendant-9', 'guess'))
    expect(codes).toEqual([...Array<number>(20).fill(4), ...Array<number>(5).fill(3)])
    expect(await connectFrom('127.0.1.50', 'pendant-9', secretOf('pendant-9'))).toBe(3)
    expect(lines.findLast((l) => l.address === '127.0.1.50')).toMatchObject({ reason: 'connect_rate_limited', heldBy: 'id', retryAfterS: 30 })
    clock.ms += 30_000
    expect(await connectFrom('127.0.1.50', 'pendant-9', secretOf('pendant-9'))).toBe(0)
  })

  it('lets a device whose id is held in from an address it connected from before, which ends the hold everywhere', async () => {
    // pendant-2 connected from 127.0.0.4 above.
    for (let i = 1; i <= 20; i++) await connectFrom(`127.0.2.${i}`, 'pendant-2', 'guess')
    expect(await connectFrom('127.0.2.50', 'pendant-2', secretOf('pendant-2'))).toBe(3)
    expect(await connectFrom('127.0.0.4', 'pendant-2', secretOf('pendant-2'))).toBe(0)
    expect(await connectFrom('127.0.2.50', 'pendant-2', secretOf('pendant-2'))).toBe(0)
  })
})
