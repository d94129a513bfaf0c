import { allDevicesTopic } from '../contract/index.js'
import { LeanMqttConnection } from '../simulators/lean-mqtt-connection.js'
import { serveParent } from './child-rpc.js'
import { percentile } from './figures.js'

/** The one subscriber of the broker-only load: counts what arrives and times it from the publisher's stamp. */
let connection: LeanMqttConnection | undefined
let received = 0
let total = 0
let latenciesMs: number[] = []

function onMessage(_topic: string, payload: Buffer): void {
  received++
  total++
  if (payload.length >= 8) latenciesMs.push(Number(process.hrtime.bigint() - payload.readBigUInt64BE(0)) / 1e6)
}

const api = {
  async start(params: { port: number; username: string; password: string }): Promise<void> {
    const opened = await LeanMqttConnection.open({ host: '127.0.0.1', port: params.port, clientId: params.username, username: params.username, password: params.password, clean: false, keepaliveS: 300, timeoutMs: 10_000 })
    connection = opened.connection
    connection.on({ message: onMessage })
    const [granted] = await connection.subscribe([{ topic: allDevicesTopic('readings'), qos: 1 }])
    if (granted !== 1) throw new Error(`subscription refused (SUBACK ${granted})`)
  },
  /** What arrived since the previous mark, with latency percentiles; `total` since the start. */
  mark(): { received: number; total: number; p50Ms: number; p99Ms: number; maxMs: number } {
    const result = { received, total, p50Ms: percentile(latenciesMs, 50), p99Ms: percentile(latenciesMs, 99), maxMs: latenciesMs.length === 0 ? Number.NaN : latenciesMs.reduce((a, b) => (b > a ? b : a)) }
    received = 0
    latenciesMs = []
    return result
  },
  async close(): Promise<void> {
    await connection?.end()
    connection = undefined
  },
}

export type BrokerSubscriberApi = typeof api

serveParent(api)
