import { closeSync, fdatasyncSync, openSync, writeSync } from 'node:fs'
import { createServer, type Server as HttpServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { MqttClient } from 'mqtt'
import { Server } from 'socket.io'
import { serveParent } from '../child-rpc.js'
import { connectService } from '../plain-node.js'
import { processSampler } from '../process-stats.js'

/**
 * The reference pipeline's alerting: a Node process with one MQTT client (persistent session,
 * QoS 1) subscribed to every device's events topic. Each event is appended to a journal file and
 * made durable (write + fdatasync) before it is pushed as a socket.io `alert` to every connected
 * dashboard: the least an alarm path can do and still not lose a press it has announced.
 */

/** What the alarm probe reads from an `alert`: the fields it shares with Hearth's, plus the event id. */
export interface ReferenceAlert {
  deviceId: string
  eventId: string
  kind: string
  /** Presses of this device seen since the process started, as Hearth counts an open alert's occurrences. */
  occurrences: number
  /** When this process received the event (ISO 8601, to the millisecond), as Hearth's `lastOccurredAt`. */
  lastOccurredAt: string
}

const sample = processSampler()

let client: MqttClient | undefined
let http: HttpServer | undefined
let io: Server | undefined
let journal: number | undefined
const occurrences = new Map<string, number>()
let alerts = 0
let rejected = 0

function onEvent(topic: string, payload: Buffer): void {
  const receivedAt = new Date().toISOString()
  const deviceId = topic.split('/')[3]
  let event: { id?: unknown; type?: unknown; ts?: unknown }
  try {
    event = JSON.parse(payload.toString('utf8')) as typeof event
  } catch {
    rejected++
    return
  }
  if (deviceId === undefined || typeof event !== 'object' || event === null || typeof event.id !== 'string' || typeof event.type !== 'string') {
    rejected++
    return
  }
  if (journal === undefined || !io) return
  writeSync(journal, `${JSON.stringify({ deviceId, id: event.id, type: event.type, ts: event.ts, receivedAt })}\n`)
  fdatasyncSync(journal)
  const count = (occurrences.get(deviceId) ?? 0) + 1
  occurrences.set(deviceId, count)
  const alert: ReferenceAlert = { deviceId, eventId: event.id, kind: event.type, occurrences: count, lastOccurredAt: receivedAt }
  io.emit('alert', alert)
  alerts++
}

const api = {
  async start(params: { port: number; username: string; password: string; journalFile: string }): Promise<{ alertUrl: string }> {
    journal = openSync(params.journalFile, 'a')
    http = createServer()
    io = new Server(http, { transports: ['websocket'] })
    const server = http
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
    client = await connectService(params.port, params.username, params.password)
    client.on('message', onEvent)
    await client.subscribeAsync('wellbeing/v1/devices/+/events', { qos: 1 })
    sample()
    return { alertUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }
  },
  counts: (): { alerts: number; rejected: number } => ({ alerts, rejected }),
  stats: () => sample(),
  async close(): Promise<void> {
    await client?.endAsync()
    client = undefined
    await new Promise<void>((resolve) => (io ? void io.close(() => resolve()) : resolve()))
    io = undefined
    http = undefined
    if (journal !== undefined) closeSync(journal)
    journal = undefined
  },
}

export type ReferenceAlertingApi = typeof api

serveParent(api)
