import { chmodSync, lstatSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import { killed, spawnPlatform, type PlatformProcess } from '../../harness/platform-process.js'
import { TestApi, connectDevice, eventually, removeDir, startTestPlatform, tempDir, type TestPlatform } from '../../harness/test-platform.js'
import { createLogger } from '../../platform/logger.js'
import { openDatabase } from '../../stores/open-database.js'
import { OPERATIONAL_MIGRATIONS } from '../../stores/operational-schema.js'

const mode = (path: string): string => (statSync(path).mode & 0o777).toString(8)

/** Every folder and file under `dir` (itself included) with its mode in octal. */
function modes(dir: string): Record<string, string> {
  const out: Record<string, string> = { '.': mode(dir) }
  const walk = (folder: string, prefix: string): void => {
    for (const name of readdirSync(folder)) {
      const path = join(folder, name)
      if (lstatSync(path).isSymbolicLink()) continue
      out[`${prefix}${name}`] = mode(path)
      if (statSync(path).isDirectory()) walk(path, `${prefix}${name}/`)
    }
  }
  walk(dir, '')
  return out
}

/** What modes every entry should have: 700 for folders, 600 for files. */
function owned(dir: string): Record<string, string> {
  const all = modes(dir)
  return Object.fromEntries(Object.keys(all).map((path) => [path, statSync(join(dir, path)).isDirectory() ? '700' : '600']))
}

/** Log lines (info and up) of an in-process platform, parsed. */
function capture(lines: Array<Record<string, unknown>>) {
  return createLogger(
    'info',
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n')) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>)
        done()
      },
    }),
  )
}

/** A device's readings, so that the readings log and the readings store have something written. */
async function sendReadings(t: { api: TestApi; mqttUrl: string }, deviceId: string): Promise<void> {
  const personId = await t.api.createPerson('Mary Seacole')
  const device = await t.api.provision('wearable', personId, deviceId)
  const client = await connectDevice(t.mqttUrl, device)
  const pack = [{ bn: `urn:dev:hearth:${deviceId}:`, bt: Date.now() / 1000, n: 'heart_rate', u: 'beat/min', v: 66 }]
  await client.publishAsync(`wellbeing/v1/devices/${deviceId}/readings`, JSON.stringify(pack), { qos: 1 })
  await client.endAsync()
  await eventually(async () => {
    const { body } = await t.api.request('GET', `/api/persons/${personId}`)
    return ((body as { latest?: Array<{ metric: string }> }).latest ?? []).some((v) => v.metric === 'heart_rate') ? true : undefined
  }, 'the reading stored')
}

describe('the data folder is its owner\'s alone', () => {
  // The usual umask (group and others may read): the modes must come from Hearth, not from it.
  let umask: number
  const dirs: string[] = []
  const fresh = (): string => {
    const parent = tempDir()
    dirs.push(parent)
    return join(parent, 'data')
  }
  beforeEach(() => {
    umask = process.umask(0o022)
  })
  afterEach(() => {
    process.umask(umask)
  })
  afterAll(() => {
    for (const dir of dirs) removeDir(dir)
  })

  it('makes a new SQLite database and its WAL files 0600 in a 0700 folder, whatever the umask', () => {
    const dir = fresh()
    const db = openDatabase(join(dir, 'hearth.db'), OPERATIONAL_MIGRATIONS, { synchronous: 'FULL' })
    try {
      db.exec('CREATE TABLE scratch (x INTEGER)')
      expect(Object.keys(modes(dir)).sort()).toEqual(['.', 'hearth.db', 'hearth.db-shm', 'hearth.db-wal'])
      expect(modes(dir)).toEqual(owned(dir))
    } finally {
      db.close()
    }
  })

  it('creates the folder 0700 and every file Hearth writes 0600 on a real start, while it runs and after it stops', async () => {
    const dataDir = fresh()
    const t: TestPlatform = await startTestPlatform(dataDir)
    try {
      await sendReadings(t, 'wrist-modes')
      const running = modes(dataDir)
      // The operational database, the embedded readings store (both with their WAL files) and the readings log.
      expect(Object.keys(running)).toEqual(expect.arrayContaining(['.', 'hearth.db', 'hearth.db-wal', 'hearth.db-shm', 'readings.db', 'readings.db-wal', 'readings.db-shm', 'readings-log']))
      expect(Object.keys(running).some((path) => path.startsWith('readings-log/'))).toBe(true)
      expect(running).toEqual(owned(dataDir))
      expect(running['.']).toBe('700')
    } finally {
      await t.close()
    }
    expect(modes(dataDir)).toEqual(owned(dataDir))
  })

  it('makes the spool in front of InfluxDB 0600 too', async () => {
    const dataDir = fresh()
    // Nothing listens there: readings would wait in the spool.
    const t = await startTestPlatform(dataDir, { HEARTH_INFLUX_URL: 'http://127.0.0.1:9' })
    try {
      await eventually(() => (Object.keys(modes(dataDir)).includes('readings-spool.db') ? true : undefined), 'the spool opened')
      expect(modes(dataDir)).toEqual(owned(dataDir))
    } finally {
      await t.close()
    }
    expect(modes(dataDir)).toEqual(owned(dataDir))
  })

  it('tightens a data folder found open to others, with its files, and says so once in the log', async () => {
    const dataDir = fresh()
    await (await startTestPlatform(dataDir)).close()
    chmodSync(dataDir, 0o755)
    chmodSync(join(dataDir, 'hearth.db'), 0o644)
    chmodSync(join(dataDir, 'readings-log'), 0o775)
    writeFileSync(join(dataDir, 'notes.txt'), 'left here by hand\n', { mode: 0o666 })
    chmodSync(join(dataDir, 'notes.txt'), 0o666)

    const lines: Array<Record<string, unknown>> = []
    const t = await startTestPlatform(dataDir, {}, undefined, capture(lines))
    const tightenedLines = (): Array<Record<string, unknown>> => lines.filter((l) => String(l.msg).includes('open to other users'))
    try {
      expect(modes(dataDir)).toEqual(owned(dataDir))
      expect(tightenedLines()).toHaveLength(1)
      expect(tightenedLines()[0]).toMatchObject({ level: 40, dataDir, tightened: 4 })
      expect((tightenedLines()[0]?.paths as Array<{ path: string; was: string }>).map((p) => [p.path.slice(dataDir.length), p.was])).toEqual(
        expect.arrayContaining([
          ['', '755'],
          ['/hearth.db', '644'],
          ['/readings-log', '775'],
          ['/notes.txt', '666'],
        ]),
      )
    } finally {
      await t.close()
    }

    const again: Array<Record<string, unknown>> = []
    await (await startTestPlatform(dataDir, {}, undefined, capture(again))).close()
    expect(again.filter((l) => String(l.msg).includes('open to other users'))).toEqual([])
  })

  it('does the same in the compiled platform, as npm start runs it', { timeout: 60_000 }, async () => {
    const dataDir = fresh()
    let running: PlatformProcess | undefined
    try {
      running = await spawnPlatform(dataDir, { compiled: true })
      const api = new TestApi(running.httpUrl)
      await api.login()
      await sendReadings({ api, mqttUrl: running.mqttUrl }, 'wrist-compiled-modes')
      const seen = modes(dataDir)
      expect(Object.keys(seen)).toEqual(expect.arrayContaining(['hearth.db', 'hearth.db-wal', 'readings.db', 'readings-log']))
      expect(seen).toEqual(owned(dataDir))
    } finally {
      if (running) await killed(running.child, 'SIGTERM')
    }
    expect(modes(dataDir)).toEqual(owned(dataDir))
  })
})
