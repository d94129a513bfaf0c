import Database from 'better-sqlite3'
import type { MqttClient } from 'mqtt'
import { serveParent } from '../child-rpc.js'
import { connectService } from '../plain-node.js'
import { processSampler } from '../process-stats.js'

/**
 * The reference pipeline's ingest: one MQTT client (persistent session, QoS 1) subscribed to every
 * device's readings topic, parsing each SenML pack with JSON.parse and a few checks, and writing
 * one row per reading to a SQLite file (WAL) in a transaction every ~100 ms. The least work that
 * still stores every reading durably enough to read back: the floor Hearth's ingest is set against.
 */
type Row = [deviceId: string, metric: string, atMs: number, value: number, unit: string | null]

const BATCH_MS = 100
const sample = processSampler()

let client: MqttClient | undefined
let db: Database.Database | undefined
let timer: NodeJS.Timeout | undefined
let pending: Row[] = []
let stored = 0
let rejected = 0

interface SenmlRecord {
  bn?: unknown
  bt?: unknown
  n?: unknown
  u?: unknown
  v?: unknown
  t?: unknown
}

/** Readings topics are `wellbeing/v1/devices/{id}/readings`: the device is the fourth level. */
function deviceOf(topic: string): string | undefined {
  return topic.split('/')[3]
}

/** SenML (RFC 8428) resolved the short way: base time plus relative time, a name and a numeric value each. */
function parsePack(deviceId: string, payload: Buffer): Row[] | undefined {
  let pack: unknown
  try {
    pack = JSON.parse(payload.toString('utf8'))
  } catch {
    return undefined
  }
  if (!Array.isArray(pack) || pack.length === 0) return undefined
  const rows: Row[] = []
  let baseTime = 0
  for (const record of pack as SenmlRecord[]) {
    if (typeof record !== 'object' || record === null) return undefined
    if (typeof record.bt === 'number') baseTime = record.bt
    if (typeof record.n !== 'string' || typeof record.v !== 'number') return undefined
    const at = baseTime + (typeof record.t === 'number' ? record.t : 0)
    rows.push([deviceId, record.n, Math.round(at * 1000), record.v, typeof record.u === 'string' ? record.u : null])
  }
  return rows
}

function open(file: string): (rows: Row[]) => void {
  db = new Database(file)
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  // One row per reading, and the one index any reader of a person's series needs.
  db.exec('CREATE TABLE IF NOT EXISTS readings (device_id TEXT NOT NULL, metric TEXT NOT NULL, at_ms INTEGER NOT NULL, value REAL NOT NULL, unit TEXT)')
  db.exec('CREATE INDEX IF NOT EXISTS readings_series ON readings(device_id, metric, at_ms)')
  const insert = db.prepare('INSERT INTO readings (device_id, metric, at_ms, value, unit) VALUES (?, ?, ?, ?, ?)')
  const database = db
  return database.transaction((rows: Row[]) => {
    for (const row of rows) insert.run(row)
  })
}

function flush(write: (rows: Row[]) => void): void {
  if (pending.length === 0) return
  const batch = pending
  pending = []
  write(batch)
  stored += batch.length
}

const api = {
  async start(params: { port: number; username: string; password: string; dbFile: string }): Promise<void> {
    const write = open(params.dbFile)
    client = await connectService(params.port, params.username, params.password)
    client.on('message', (topic, payload) => {
      const deviceId = deviceOf(topic)
      const rows = deviceId === undefined ? undefined : parsePack(deviceId, payload)
      if (rows) for (const row of rows) pending.push(row)
      else rejected++
    })
    await client.subscribeAsync('wellbeing/v1/devices/+/readings', { qos: 1 })
    timer = setInterval(() => flush(write), BATCH_MS)
    sample()
  },
  /** Readings committed to the SQLite file, and packs refused by the checks. */
  counts: (): { stored: number; rejected: number } => ({ stored, rejected }),
  stats: () => sample(),
  async close(): Promise<void> {
    clearInterval(timer)
    await client?.endAsync()
    client = undefined
    db?.close()
    db = undefined
  },
}

export type ReferenceIngestApi = typeof api

serveParent(api)
