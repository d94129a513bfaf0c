import { mkdtempSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Aedes } from 'aedes'
import { Registry } from 'prom-client'
import { createBroker, type Broker } from '../broker/create-broker.js'
import { hashDeviceSecret } from '../broker/device-secret.js'
import { createLogger } from '../platform/logger.js'
import { ReadingsLogWriter } from '../stores/readings-log.js'
import { serveParent } from './child-rpc.js'
import { processSampler } from './process-stats.js'
import type { Credentials } from './provision-fleet.js'

/**
 * The broker alone, in a process of its own: `hearth` is broker/create-broker.ts exactly as the
 * platform starts it (authentication, ACL, packet-size guard, TCP_NODELAY, readings logged to
 * disk before PUBACK, in a temporary folder) with in-memory
 * credentials; `hearth-unlogged` the same with a readings log that answers at once and keeps nothing
 * (what the log's fsync costs, in the same run); `aedes` is stock aedes 1.x with its defaults and
 * TCP_NODELAY.
 */
export type BrokerKind = 'hearth' | 'hearth-unlogged' | 'aedes'

let hearth: Broker | undefined
let bare: { aedes: Aedes; server: Server } | undefined
const sample = processSampler()

async function startBare(): Promise<number> {
  const aedes = await Aedes.createBroker()
  const server = createServer((socket) => {
    socket.setNoDelay(true)
    socket.on('error', () => socket.destroy())
    aedes.handle(socket)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  bare = { aedes, server }
  const address = server.address()
  return typeof address === 'object' && address ? address.port : 0
}

/** A readings log that keeps nothing: the reference the real one's cost is measured against. */
const unlogged = { append: (_deviceId: string, _at: number, _payload: Buffer, done: (error?: Error) => void) => done() }

async function startHearth(devices: Credentials[], subscriber: { username: string; password: string }, logged: boolean): Promise<number> {
  const hashes = new Map(devices.map((d) => [d.id, hashDeviceSecret(d.secret)]))
  hearth = createBroker(
    { host: '127.0.0.1', port: 0, maxPacketBytes: 64 * 1024, connectTimeoutMs: 10_000 },
    {
      logger: createLogger('warn'),
      metrics: new Registry(),
      clock: { now: () => Date.now() },
      credentials: { secretHashOf: (id) => hashes.get(id) },
      services: [{ ...subscriber, role: 'ingest' }],
      admitEvent: (_deviceId, _payload, _dup, _receivedAtMs, done) => done(),
      readingsLog: logged ? await ReadingsLogWriter.open(mkdtempSync(join(tmpdir(), 'hearth-bench-log-'))) : unlogged,
    },
  )
  await hearth.start()
  return hearth.port()
}

const api = {
  async start(params: { kind: BrokerKind; devices: Credentials[]; subscriber: { username: string; password: string } }): Promise<{ port: number; pid: number }> {
    const port = params.kind === 'aedes' ? await startBare() : await startHearth(params.devices, params.subscriber, params.kind === 'hearth')
    return { port, pid: process.pid }
  },
  stats: () => sample(),
  async close(): Promise<void> {
    await hearth?.close()
    if (bare) {
      const { aedes, server } = bare
      await new Promise<void>((resolve) => aedes.close(() => resolve()))
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
    hearth = undefined
    bare = undefined
  },
}

export type BrokerChildApi = typeof api

serveParent(api)
