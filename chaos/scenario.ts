import { freePort } from '../harness/influxd.js'
import { ADMIN_PASSWORD, TestApi } from '../harness/test-platform.js'
import type { Fault, FaultRun, Setup } from './faults/fault.js'
import { Fleet, type Credentials } from './fleet.js'
import { fleetShape, type ChaosOptions } from './options.js'
import type { CallLog } from './pendants.js'
import { PlatformRunner } from './platform-runner.js'
import { readAlarms, readEmbeddedReadings, readInfluxReadings } from './read-back.js'
import { Responder } from './responder.js'
import { countAlarms, countCommands, countReadings, type Tally } from './tally.js'

interface Recovery {
  /** From the fault's end (restart, resume, space freed, clock back, flood stopped) to the first device connected (CONNACK) again; undefined if none was offline then. */
  firstReconnectMs?: number
  /** … to the first publish accepted (PUBACK) by any device. */
  firstAcceptedMs?: number
  /** … to every device connected again; undefined if none lost its connection. */
  allReconnectedMs?: number
  /** … to the first reading dated after the fault's end being readable through the API. */
  firstNewReadingMs?: number
  /** Devices that lost their connection during the fault or after it. */
  devicesDisconnected: number
}

interface CallFigures {
  /** Calls for help (a pendant's press, pressed again while unanswered) answered: the pendant heard "Your call has been answered". */
  answered: number
  unanswered: number
  p50Ms?: number
  maxMs?: number
  /** The same for calls made while the fault lasted. */
  duringFault: { answered: number; unanswered: number; p50Ms?: number; maxMs?: number }
}

export interface ScenarioResult {
  fault: string
  title: string
  /** Why it did not run. */
  skipped?: string
  /** What went wrong with the run itself (not a finding about the platform). */
  error?: string
  readings?: Tally
  alarms?: Tally
  commands?: Tally & { redelivered: number }
  recovery?: Recovery
  calls?: CallFigures
  notes: string[]
  durationS: number
  /** Ran, and nothing acknowledged was lost or stored twice. */
  ok: boolean
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

function percentile(sorted: readonly number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))]
}

function callFigures(calls: readonly CallLog[], fault: FaultRun | undefined): CallFigures {
  const summarise = (list: readonly CallLog[]) => {
    const waits = list.flatMap((c) => (c.answeredAtMs === undefined ? [] : [c.answeredAtMs - c.pressedAtMs])).sort((a, b) => a - b)
    const figures: { answered: number; unanswered: number; p50Ms?: number; maxMs?: number } = { answered: waits.length, unanswered: list.length - waits.length }
    const p50 = percentile(waits, 0.5)
    if (p50 !== undefined) figures.p50Ms = p50
    const max = waits.at(-1)
    if (max !== undefined) figures.maxMs = max
    return figures
  }
  const during = fault ? calls.filter((c) => c.pressedAtMs >= fault.startedAtMs && c.pressedAtMs <= fault.endedAtMs) : []
  return { ...summarise(calls), duringFault: summarise(during) }
}

/** People and devices through the HTTP API, as an installer would (PROTOCOL §2), a few requests at a time. */
async function provision(api: TestApi, type: 'wearable' | 'pendant', ids: readonly string[]): Promise<Array<Credentials & { personId: string }>> {
  const made: Array<Credentials & { personId: string }> = []
  for (let i = 0; i < ids.length; i += 8) {
    const batch = await Promise.all(
      ids.slice(i, i + 8).map(async (id) => {
        const personId = await api.createPerson(`Chaos ${id}`)
        const device = await api.provision(type, personId, id)
        return { ...device, personId }
      }),
    )
    made.push(...batch)
  }
  return made
}

/** Polls the API until a reading dated at or after `fromMs` can be read for one of `personIds`; the wait in ms. */
async function firstReadingAfter(api: TestApi, personIds: readonly string[], fromMs: number, stop: () => boolean): Promise<number | undefined> {
  const query = new URLSearchParams({ metric: 'steps', from: new Date(fromMs).toISOString(), to: new Date(fromMs + 3_600_000).toISOString(), every: '1h' }).toString()
  let signedIn = false
  while (!stop()) {
    for (const personId of personIds) {
      try {
        // Signed out, a person is not found (404) rather than refused: sign in first, and again when a session ends.
        if (!signedIn) await api.login('admin', ADMIN_PASSWORD)
        signedIn = true
        const answer = await api.request('GET', `/api/persons/${personId}/readings?${query}`)
        if (answer.status === 401) signedIn = false
        const points = (answer.body as { points?: Array<{ count: number }> } | undefined)?.points
        if (answer.status === 200 && points?.some((p) => p.count > 0)) return Date.now() - fromMs
      } catch {
        // the platform is not answering yet
      }
    }
    await sleep(100)
  }
  return undefined
}

/**
 * One fault on a fresh data folder: the platform started as its own process, devices provisioned
 * through the API and connected over MQTT, load, the fault, more load, then everything sent is
 * acknowledged and stored (or the time is up), the platform stops, and what it stored is read
 * back and counted against what the devices and the responder were told.
 */
export async function runScenario(fault: Fault, options: ChaosOptions, log: (line: string) => void): Promise<ScenarioResult> {
  const began = Date.now()
  const progress = (line: string): void => log(`[${fault.name} ${((Date.now() - began) / 1000).toFixed(1)}s] ${line}`)
  const result: ScenarioResult = { fault: fault.name, title: fault.title, notes: [], durationS: 0, ok: false }
  const prepared = await fault.prepare(options, progress).catch((error: unknown) => ({ skip: `could not prepare: ${String(error)}` }))
  if ('skip' in prepared) {
    progress(`skipped: ${prepared.skip}`)
    return { ...result, skipped: prepared.skip, ok: true }
  }
  const setup: Setup = prepared
  const ports = { http: await freePort(), mqtt: await freePort() }
  while (ports.mqtt === ports.http) ports.mqtt = await freePort()
  const platform = new PlatformRunner(setup.dataDir, ports, { HEARTH_LOG_LEVEL: 'error', ...setup.env }, progress)
  let fleet: Fleet | undefined
  let responder: Responder | undefined
  let faultRun: FaultRun | undefined
  let stopProbes = false
  try {
    progress(`data folder ${setup.dataDir}; starting the platform (HTTP ${ports.http}, MQTT ${ports.mqtt})`)
    await platform.start()
    const api = new TestApi(platform.httpUrl)
    await api.login('admin', ADMIN_PASSWORD)
    const shape = fleetShape(options.devices)
    const pad = (i: number): string => String(i + 1).padStart(4, '0')
    const wearables = await provision(api, 'wearable', Array.from({ length: shape.wearables }, (_, i) => `wrist-${pad(i)}`))
    const pendants = await provision(api, 'pendant', Array.from({ length: shape.pendants }, (_, i) => `pendant-${pad(i)}`))
    const flooder = fault.flooder ? (await provision(api, 'pendant', ['pendant-flood']))[0] : undefined
    progress(`provisioned ${wearables.length} wearables and ${pendants.length + (flooder ? 1 : 0)} pendants through the API`)

    fleet = new Fleet({
      host: '127.0.0.1',
      port: ports.mqtt,
      wearables,
      pendants,
      ...(flooder ? { flooder } : {}),
      readingsPerSecond: options.rate,
      packSize: options.packSize,
      pressEveryMs: options.short ? 3000 : 6000,
      pressAgainAfterMs: 15_000,
      window: 16,
      floodWindow: 1000,
    })
    await fleet.connect()
    responder = new Responder(platform.httpUrl, new Set([...pendants, ...(flooder ? [flooder] : [])].map((p) => p.id)), ADMIN_PASSWORD)
    responder.start()
    fleet.startSending()
    const current = fleet
    const report = setInterval(() => {
      let sent = 0
      let acked = 0
      for (const w of current.wearables.values()) {
        sent += w.atMs.length
        acked += w.ackedCount
      }
      progress(`${current.online}/${current.size} devices online; readings ${acked}/${sent} acknowledged; ${current.pending} publishes unacknowledged; ${current.callsOpen} calls waiting`)
    }, 5000)
    try {
      progress(`load: ${options.rate} readings/s in packs of ${options.packSize}, pendants pressing; fault in ${options.warmupMs / 1000} s`)
      await sleep(options.warmupMs)
      progress(`fault: ${fault.describe}`)
      fleet.watchAcks()
      const eventsBefore = fleet.connections.length
      const run = await fault.inject({ platform, fleet, options, setup, progress })
      faultRun = run
      const ended = run.endedAtMs
      progress(`fault over; load goes on for ${options.afterMs / 1000} s`)
      const probePeople = wearables.slice(0, 3).map((w) => w.personId)
      const newReading = firstReadingAfter(new TestApi(platform.httpUrl), probePeople, ended, () => stopProbes)
      const allBack = (async () => {
        while (!stopProbes) {
          if (current.online === current.size) return Date.now() - ended
          await sleep(50)
        }
        return undefined
      })()
      await sleep(options.afterMs)

      progress('stopping the load; waiting for every publish to be acknowledged and every call answered')
      fleet.stopSending()
      const deadline = Date.now() + options.drainMs
      const drained = await fleet.drained(options.drainMs)
      if (!drained) result.notes.push(`after ${options.drainMs / 1000} s, ${fleet.pending} publishes were still unacknowledged`)
      while (Date.now() < deadline && (responder.openPendantAlerts !== 0 || fleet.callsOpen > 0 || !commandsHeard(fleet, responder))) await sleep(100)
      if (Date.now() >= deadline) result.notes.push('the drain ran out of time before every call was answered and every command heard')
      await responder.stop()
      const settled = await platform.settled(2000, Math.max(10_000, deadline - Date.now()))
      if (!settled) result.notes.push('the readings written had not settled (or readings were still spooled) when the platform was stopped')
      stopProbes = true
      const since = fleet.connections.slice(eventsBefore)
      const disconnectedDevices = new Set(since.filter((c) => c.kind === 'disconnected').map((c) => c.deviceId))
      const recovery: Recovery = { devicesDisconnected: disconnectedDevices.size }
      const firstBack = since.find((c) => c.kind === 'connected' && c.atMs >= ended)
      if (firstBack) recovery.firstReconnectMs = firstBack.atMs - ended
      const firstAck = fleet.firstAckAfter(ended)
      if (firstAck !== undefined) recovery.firstAcceptedMs = firstAck - ended
      const all = await allBack
      if (all !== undefined && disconnectedDevices.size > 0) recovery.allReconnectedMs = all
      const stored = await newReading
      if (stored !== undefined) recovery.firstNewReadingMs = stored
      result.recovery = recovery
    } finally {
      clearInterval(report)
      stopProbes = true
    }
    result.calls = callFigures(fleet.calls, faultRun)
    result.notes.push(...(faultRun?.notes ?? []))
    if (fleet.resends > 0) result.notes.push(`devices sent ${fleet.resends} publishes again (DUP) after reconnecting`)
    if (fleet.refusals > 0) result.notes.push(`devices were told on their errors topic of ${fleet.refusals} refusals, e.g. ${fleet.refusalSamples[0] ?? ''}`)
    if (responder.failures > 0) result.notes.push(`${responder.failures} responder requests failed or got no answer (tried again)`)
    const others = [...new Set(responder.otherAlerts.values())]
    if (others.length > 0) result.notes.push(`${responder.otherAlerts.size} other alerts were raised (${others.join(', ')})`)

    await fleet.close()
    fleet = undefined
    progress('stopping the platform (SIGTERM) to read what it stored')
    await platform.shutDown()
    if (platform.crashes.length > 0) result.notes.push(`the platform exited by itself ${platform.crashes.length} times (${platform.crashes.join(', ')}) and was started again`)

    const wearableIds = new Set(wearables.map((w) => w.id))
    const storedReadings = setup.influx ? await readInfluxReadings(setup.influx.url, setup.influx.database, wearableIds) : readEmbeddedReadings(setup.dataDir, wearableIds)
    const counts = { readings: countReadings(current, storedReadings, setup.influx ? 'influxdb' : 'embedded'), alarms: countAlarms(current, readAlarms(setup.dataDir)), commands: countCommands(current, responder.actions) }
    result.readings = counts.readings.tally
    result.alarms = counts.alarms.tally
    result.commands = { ...counts.commands.tally, redelivered: counts.commands.redelivered }
    result.notes.push(...counts.readings.notes, ...counts.alarms.notes, ...counts.commands.notes)
    result.ok = [result.readings, result.alarms, result.commands].every((t) => t.lost === 0 && t.duplicated === 0)
    if (!result.ok) result.notes.push(...lastLines(platform))
  } catch (error) {
    result.error = error instanceof Error ? (error.stack ?? error.message) : String(error)
    result.notes.push(...lastLines(platform))
    progress(`scenario failed: ${result.error}`)
  } finally {
    stopProbes = true
    await responder?.stop()
    await fleet?.close().catch(() => undefined)
    await platform.shutDown().catch(() => undefined)
    await setup.tearDown(options.keep).catch((error: unknown) => progress(`clean-up failed: ${String(error)}`))
    if (options.keep) result.notes.push(`data folder kept: ${setup.dataDir}`)
  }
  result.durationS = Math.round((Date.now() - began) / 100) / 10
  const line = (kind: string, t: Tally | undefined): string => (t ? `${kind} ${t.stored}/${t.acknowledged} stored, ${t.lost} lost, ${t.duplicated} duplicated` : '')
  const counts = [line('readings', result.readings), line('alarms', result.alarms), line('commands', result.commands)].filter(Boolean).join('; ')
  progress(`done in ${result.durationS} s: ${result.ok ? 'nothing acknowledged was lost or stored twice' : result.error ? 'DID NOT FINISH' : 'LOST OR DUPLICATED'}${counts ? ` (${counts})` : ''}`)
  return result
}

/** The platform's last lines of output (errors: it runs with HEARTH_LOG_LEVEL=error), as a note, if it wrote any. */
function lastLines(platform: PlatformRunner): string[] {
  const tail = platform.logTail().slice(-8)
  return tail.length > 0 ? [`the platform's last lines: ${tail.join(' | ')}`] : []
}

/** Every action the platform confirmed to the responder has reached its pendant. */
function commandsHeard(fleet: Fleet, responder: Responder): boolean {
  for (const a of responder.actions) {
    if (!a.confirmed) continue
    if (!fleet.commands.get(a.deviceId)?.byAction.get(`${a.alertId} ${a.command}`)?.size) return false
  }
  return true
}
