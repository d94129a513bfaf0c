import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads'
import type { Logger } from 'pino'
import { WebSocketServer, createWebSocketStream } from 'ws'
import { webSocketClientAddress } from '../broker/client-address.js'
import type { Broker } from '../broker/create-broker.js'
import type { EventAdmission } from '../broker/event-admission.js'
import type { CommandReceipts } from '../broker/ports.js'
import type { BrokerThreadCall, BrokerThreadData, BrokerThreadMessage, BrokerThreadRequest } from './broker-thread.js'
import type { ReadingsLogEnd } from './ingest-thread-host.js'
import { PortStream } from './port-stream.js'
import { moduleExtension, threadExecArgv } from './thread-entry.js'
import { relogFrom } from './thread-log.js'
import { proxyTrust } from './trusted-proxies.js'

const RESTART_DELAY_MS = 1000
const CLOSE_TIMEOUT_MS = 15_000
/**
 * The broker's short-lived garbage (a packet, its parse, its PUBACK) is collected in a young
 * generation of this size rather than V8's default, which grows to tens of MiB per thread.
 */
const BROKER_YOUNG_GENERATION_MB = 8

export interface BrokerThread extends Broker {
  /** How far the readings log the thread keeps is on disk, and when that moves: what ingest reads up to. */
  readingsLog: ReadingsLogEnd
  /** The thread's metrics in the Prometheus text format, for /metrics. */
  metricsText(): Promise<string>
}

/**
 * Runs platform/broker-thread.ts in a worker thread and stands for it in the platform's thread:
 * admits the device events it hands over (the PUBACK waits for the answer), passes on command
 * receipts, deprovisionings and MQTT over WebSocket, relays its logs and metrics, and starts it
 * again on the same ports should it die (devices reconnect to their sessions; nothing they were
 * told was delivered is lost: it is in the journal or the readings log).
 */
export function createBrokerThread(
  data: Omit<BrokerThreadData, 'entry'>,
  deps: { logger: Logger; admitEvent: EventAdmission; commands: () => CommandReceipts | undefined },
): BrokerThread {
  const logger = deps.logger
  const relog = relogFrom(logger, 'broker')
  let worker: Worker | undefined
  let ready = false
  let closing: Promise<void> | undefined
  let ports: { port: number; tlsPort?: number } | undefined
  let logEnd = 0
  const durableListeners: Array<(end: number) => void> = []
  let nextId = 1
  const waiting = new Map<number, { resolve: (result: string | undefined) => void; reject: (error: Error) => void }>()
  const wss = new WebSocketServer({ noServer: true, maxPayload: data.maxPacketBytes })
  const trustProxy = proxyTrust(data.trustProxy)

  const post = (request: BrokerThreadRequest, transfer?: MessagePort[]): void => {
    worker?.postMessage(request, transfer)
  }

  const request = (op: BrokerThreadCall['op'], timeoutMs: number): Promise<string | undefined> => {
    const current = worker
    if (!current) return Promise.reject(new Error('the broker thread is not running'))
    const id = nextId++
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        waiting.delete(id)
        reject(new Error(`the broker thread did not answer ${op} within ${timeoutMs} ms`))
      }, timeoutMs)
      const settle = (fn: () => void): void => {
        clearTimeout(timer)
        fn()
      }
      waiting.set(id, { resolve: (result) => settle(() => resolve(result)), reject: (error) => settle(() => reject(error)) })
      current.postMessage({ id, op } satisfies BrokerThreadRequest)
    })
  }

  const onMessage = (thread: Worker, message: BrokerThreadMessage): void => {
    switch (message.type) {
      case 'event': {
        const payload = Buffer.from(message.payload.buffer, message.payload.byteOffset, message.payload.byteLength)
        // Admitted here, where alerting is: the thread sends the PUBACK once this answers.
        return deps.admitEvent(message.deviceId, payload, message.dup, message.receivedAtMs, (refusal) => {
          thread.postMessage({ op: 'admitted', id: message.id, ...(refusal === undefined ? {} : { refusal }) } satisfies BrokerThreadRequest)
        })
      }
      case 'durable':
        logEnd = message.end
        for (const listener of durableListeners) listener(message.end)
        return
      case 'log':
        return relog(message.line)
      case 'delivered':
        return deps.commands()?.delivered(message.deviceId, Buffer.from(message.payload))
      case 'subscribed':
        return deps.commands()?.subscribed(
          message.deviceId,
          message.stillQueued.map((p) => Buffer.from(p)),
        )
      case 'reply': {
        const waiter = waiting.get(message.id)
        waiting.delete(message.id)
        if (message.error !== undefined) waiter?.reject(new Error(message.error))
        else waiter?.resolve(message.result)
        return
      }
      case 'ready':
      case 'failed':
        // Taken by the start of the thread that sent it (spawn).
        return
    }
  }

  /** MQTT over WebSocket: the bytes go to and from the broker's thread over a channel of their own. */
  const acceptWebSocketStream = (stream: Duplex, address: string): void => {
    stream.on('error', () => stream.destroy())
    const { port1, port2 } = new MessageChannel()
    const relay = new PortStream(port1)
    stream.pipe(relay).pipe(stream)
    relay.once('close', () => stream.destroy())
    stream.once('close', () => relay.destroy())
    post({ op: 'webSocket', address, port: port2 }, [port2])
  }

  /** Starts the thread; resolves once the broker listens. */
  const spawn = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const entry = new URL(`./broker-thread${moduleExtension}`, import.meta.url).href
      // Started again on the ports it had, where devices and the platform's services reconnect.
      const workerData: BrokerThreadData = { ...data, entry, ...(ports ? { port: ports.port } : {}), ...(ports?.tlsPort && data.tls ? { tls: { ...data.tls, port: ports.tlsPort } } : {}) }
      // A profiler's flags only: the platform's others (a test runner's) are not the thread's.
      const thread = new Worker(new URL('./thread-boot.mjs', import.meta.url), { workerData, execArgv: threadExecArgv, resourceLimits: { maxYoungGenerationSizeMb: BROKER_YOUNG_GENERATION_MB } })
      worker = thread
      let started = false
      thread.on('message', (message: BrokerThreadMessage) => {
        if (message.type === 'ready') {
          started = true
          ready = true
          ports = { port: message.port, ...(message.tlsPort === undefined ? {} : { tlsPort: message.tlsPort }) }
          logEnd = Math.max(logEnd, message.logEnd)
          for (const listener of durableListeners) listener(logEnd)
          return resolve()
        }
        if (message.type === 'failed') return reject(new Error(`the broker could not start: ${message.error}`))
        onMessage(thread, message)
      })
      thread.on('error', (error) => {
        logger.error({ err: error, component: 'broker' }, 'broker thread failed')
        if (!started) reject(error)
      })
      thread.on('exit', (code) => {
        if (worker === thread) worker = undefined
        ready = false
        for (const waiter of waiting.values()) waiter.reject(new Error('the broker thread exited'))
        waiting.clear()
        if (!started) return reject(new Error(`the broker thread exited (${code}) before it was listening`))
        if (closing) return
        logger.error({ component: 'broker', code }, `broker thread stopped; restarting in ${RESTART_DELAY_MS} ms`)
        setTimeout(() => {
          if (!closing) spawn().catch((error: unknown) => logger.error({ err: error, component: 'broker' }, 'broker thread did not restart'))
        }, RESTART_DELAY_MS).unref()
      })
    })

  return {
    start: spawn,
    port: () => {
      if (!ports) throw new Error('broker is not listening')
      return ports.port
    },
    tlsPort: () => ports?.tlsPort,
    handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer) {
      if (!worker || closing) {
        socket.destroy()
        return
      }
      wss.handleUpgrade(req, socket, head, (ws) => acceptWebSocketStream(createWebSocketStream(ws), webSocketClientAddress(req, trustProxy)))
    },
    acceptWebSocketStream,
    health: () => ({ component: 'broker', ok: ready, ...(ready ? {} : { detail: 'the broker thread is not running' }) }),
    disconnect(clientId) {
      post({ op: 'disconnect', clientId })
    },
    secretReplaced(clientId, untilMs) {
      post({ op: 'secretReplaced', clientId, untilMs })
    },
    readingsLog: {
      end: () => logEnd,
      onDurable: (listener) => void durableListeners.push(listener),
    },
    async metricsText() {
      return worker && ready ? ((await request('metrics', 5000)) ?? '') : ''
    },
    close() {
      closing ??= (async () => {
        wss.close()
        const thread = worker
        if (!thread) return
        const exited = new Promise<void>((resolve) => thread.once('exit', () => resolve()))
        try {
          await request('close', CLOSE_TIMEOUT_MS)
        } catch (error) {
          logger.error({ err: error, component: 'broker' }, 'broker thread did not close cleanly')
        }
        await thread.terminate()
        await exited
      })()
      return closing
    },
  }
}
