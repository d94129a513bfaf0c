import { appendFileSync, readdirSync, statSync, writeFileSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ReadingsLogWriter } from '../../../stores/readings-log.js'
import { ReadingsLogReader } from '../../../stores/readings-log-reader.js'
import { removeDir, tempDir } from '../../../harness/test-platform.js'

const appended = (writer: ReadingsLogWriter, deviceId: string, at: number, payload: string): Promise<void> =>
  new Promise((resolve, reject) => writer.append(deviceId, at, Buffer.from(payload), (error) => (error ? reject(error) : resolve())))

const readAll = (reader: ReadingsLogReader, from: number, to: number) => {
  const out: Array<{ deviceId: string; receivedAtMs: number; payload: string }> = []
  let at = from
  for (;;) {
    const { records, next } = reader.read(at, to, 64)
    out.push(...records.map((r) => ({ deviceId: r.deviceId, receivedAtMs: r.receivedAtMs, payload: r.payload.toString() })))
    if (next === at) return { records: out, next: at }
    at = next
  }
}

describe('readings log', () => {
  const dirs: string[] = []
  const dir = (): string => {
    const d = tempDir('hearth-log-')
    dirs.push(d)
    return d
  }
  afterEach(() => {
    for (const d of dirs.splice(0)) removeDir(d)
  })

  it('gives back, in order, what was acknowledged, and says where its durable end is', async () => {
    const d = dir()
    const writer = await ReadingsLogWriter.open(d)
    const ends: number[] = []
    writer.onDurable((end) => ends.push(end))
    // Appended in one turn: one group commit, acknowledged together.
    await Promise.all([appended(writer, 'wrist-1', 1000, '[{"v":1}]'), appended(writer, 'wrist-2', 1001, '[{"v":2}]'), appended(writer, 'wrist-1', 1002, '[{"v":3}]')])
    expect(ends).toEqual([writer.end()])
    await appended(writer, 'wrist-3', 1003, '[{"v":4}]')
    expect(ends).toHaveLength(2)

    const reader = new ReadingsLogReader(d)
    const { records, next } = readAll(reader, 0, writer.end())
    expect(records).toEqual([
      { deviceId: 'wrist-1', receivedAtMs: 1000, payload: '[{"v":1}]' },
      { deviceId: 'wrist-2', receivedAtMs: 1001, payload: '[{"v":2}]' },
      { deviceId: 'wrist-1', receivedAtMs: 1002, payload: '[{"v":3}]' },
      { deviceId: 'wrist-3', receivedAtMs: 1003, payload: '[{"v":4}]' },
    ])
    expect(next).toBe(writer.end())
    // Read on from the middle: only what follows.
    const second = reader.read(0, writer.end()).records[1]
    expect(readAll(reader, second?.next ?? 0, writer.end()).records.map((r) => r.payload)).toEqual(['[{"v":3}]', '[{"v":4}]'])
    reader.close()
    await writer.close()
  })

  it('cuts off a record left half-written by a stop, and appends after the last whole one', async () => {
    const d = dir()
    const writer = await ReadingsLogWriter.open(d)
    await appended(writer, 'wrist-1', 1, 'first')
    const end = writer.end()
    await writer.close()
    const [segment] = readdirSync(d)
    // A stop mid-write: a header and part of a body, never acknowledged.
    appendFileSync(join(d, segment as string), Buffer.from([40, 0, 0, 0, 1, 2, 3, 4, 5, 6]))

    const reopened = await ReadingsLogWriter.open(d)
    expect(reopened.end()).toBe(end)
    expect(statSync(join(d, segment as string)).size).toBe(end)
    await appended(reopened, 'wrist-1', 2, 'second')
    expect(readAll(new ReadingsLogReader(d), 0, reopened.end()).records.map((r) => r.payload)).toEqual(['first', 'second'])
    await reopened.close()
  })

  it('ends the log at a record whose checksum fails', async () => {
    const d = dir()
    const writer = await ReadingsLogWriter.open(d)
    await appended(writer, 'wrist-1', 1, 'kept')
    const firstEnd = writer.end()
    await appended(writer, 'wrist-1', 2, 'damaged')
    await writer.close()
    const path = join(d, readdirSync(d)[0] as string)
    const bytes = readFileSync(path)
    bytes.writeUInt8((bytes.at(-1) ?? 0) ^ 0xff, bytes.length - 1)
    writeFileSync(path, bytes)

    expect(readAll(new ReadingsLogReader(d), 0, bytes.length).records.map((r) => r.payload)).toEqual(['kept'])
    const reopened = await ReadingsLogWriter.open(d)
    expect(reopened.end()).toBe(firstEnd)
    await reopened.close()
  })

  it('starts new segments as it grows and lets go of those the store has taken in', async () => {
    const d = dir()
    const writer = await ReadingsLogWriter.open(d, { segmentBytes: 100 })
    for (let i = 0; i < 10; i++) await appended(writer, 'wrist-1', i, `reading-${i}-${'x'.repeat(40)}`)
    expect(readdirSync(d).length).toBeGreaterThan(3)

    const reader = new ReadingsLogReader(d)
    const all = readAll(reader, 0, writer.end())
    expect(all.records.map((r) => r.receivedAtMs)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    // The store has the first five: segments wholly before the sixth go; the rest read as before.
    const positions: number[] = []
    let at = 0
    while (positions.length < 6) {
      const r = reader.read(at, writer.end(), 1)
      positions.push(...r.records.map((x) => x.position))
      at = r.next
    }
    reader.release(positions[5] as number)
    expect(reader.start()).toBeLessThanOrEqual(positions[5] as number)
    expect(reader.start()).toBeGreaterThan(0)
    expect(readAll(reader, positions[5] as number, writer.end()).records.map((r) => r.receivedAtMs)).toEqual([5, 6, 7, 8, 9])
    // The newest segment stays, even once wholly stored: the writer holds it.
    reader.release(writer.end())
    expect(readdirSync(d)).toHaveLength(1)
    await appended(writer, 'wrist-1', 10, 'after')
    expect(readAll(reader, reader.start(), writer.end()).records.map((r) => r.payload).at(-1)).toBe('after')
    reader.close()
    await writer.close()
  })

  it('refuses appends once closed, and tells the caller', async () => {
    const writer = await ReadingsLogWriter.open(dir())
    await writer.close()
    await expect(appended(writer, 'wrist-1', 1, 'late')).rejects.toThrow('closed')
  })
})
