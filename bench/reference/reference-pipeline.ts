import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { deviceTopic } from '../../contract/index.js'
import { Child } from '../child-rpc.js'
import type { LoadTarget, TargetStartParams } from '../load-target.js'
import { startMosquitto, type Mosquitto } from '../mosquitto-broker.js'
import { bundleForNode } from '../plain-node.js'
import type { ReferenceAlertingApi } from './reference-alerting.js'
import type { ReferenceIngestApi } from './reference-ingest.js'

/**
 * The reference pipeline: the floor Hearth is measured against. Debian's mosquitto (the devices'
 * own passwords and topic rights, as Hearth's broker gives them), a minimal ingest process (one
 * MQTT client, SQLite in WAL, 100 ms transactions) and a minimal alerting process (a durable
 * journal, then a socket.io `alert`). The same devices, topics and payloads drive both.
 */
const INGEST = 'reference-ingest'
const ALERTING = 'reference-alerting'

const secret = (): string => randomBytes(24).toString('base64url')

/** The two Node processes as plain JavaScript, run on Node alone: the floor's memory is the floor's own. */
async function buildProcesses(dir: string): Promise<{ ingest: string; alerting: string }> {
  const entry = (name: string): string => new URL(`./${name}.ts`, import.meta.url).href
  const built = await bundleForNode(dir, [entry('reference-ingest'), entry('reference-alerting')])
  return { ingest: built.get('reference-ingest') ?? '', alerting: built.get('reference-alerting') ?? '' }
}

export async function startReferenceTarget(params: TargetStartParams): Promise<LoadTarget> {
  const ingestSecret = secret()
  const alertingSecret = secret()
  const mosquitto: Mosquitto = await startMosquitto(
    params.devices,
    { username: INGEST, password: ingestSecret, read: [deviceTopic('+', 'readings')] },
    { username: ALERTING, password: alertingSecret, read: [deviceTopic('+', 'events')] },
  )
  const built = await buildProcesses(join(params.dataDir, 'reference-build')).catch(async (error: unknown) => {
    await mosquitto.stop()
    throw error
  })
  const ingest = Child.start<ReferenceIngestApi>('reference ingest', built.ingest, { plain: true })
  const alerting = Child.start<ReferenceAlertingApi>('reference alerting', built.alerting, { plain: true })
  const stop = async (): Promise<void> => {
    await Promise.all([ingest.stop(), alerting.stop()])
    await mosquitto.stop()
  }
  try {
    await ingest.call('start', { port: mosquitto.port, username: INGEST, password: ingestSecret, dbFile: join(params.dataDir, 'reference-readings.db') })
    const { alertUrl } = await alerting.call('start', { port: mosquitto.port, username: ALERTING, password: alertingSecret, journalFile: join(params.dataDir, 'reference-alerts.journal') })
    return {
      name: 'reference',
      mqttPort: mosquitto.port,
      probe: { kind: 'reference', alertUrl },
      get alive() {
        return mosquitto.alive && ingest.alive && alerting.alive
      },
      storedCount: async () => (await ingest.call('counts', undefined)).stored,
      /** The sum over mosquitto, the ingest and the alerting processes; the event loop is the alerting process's. */
      async stats() {
        const [i, a] = await Promise.all([ingest.call('stats', undefined), alerting.call('stats', undefined)])
        const m = mosquitto.stats()
        return { rssBytes: m.rssBytes + i.rssBytes + a.rssBytes, cpuMicros: m.cpuMicros + i.cpuMicros + a.cpuMicros, loopDelayP99Ms: a.loopDelayP99Ms }
      },
      stop,
    }
  } catch (error) {
    await stop()
    throw error
  }
}
