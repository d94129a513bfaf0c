import { closeSync, fsyncSync, mkdirSync, openSync, readSync, readdirSync, rmSync, statSync, ftruncateSync } from 'node:fs'
import { open, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import { crc32 } from 'node:zlib'

/**
 * The readings log: every readings message a device published, on disk before the broker
 * acknowledges it (PUBACK), in the order the broker took them. Ingest reads it from the position
 * the readings store last recorded, so a reading the device was told is delivered survives a
 * kill, a crash or a power cut, and is stored exactly once.
 *
 * Layout: segment files `<base position, 20 digits>.log` in one folder; a position is a byte
 * offset into the log as a whole. Each record is
 *   u32 body length | u32 CRC-32 of the body | body = f64 received-at ms | u8 id length | device id | payload
 * (little-endian). A record cut short or failing its CRC ends the log: it was being written when
 * the process stopped, so it was never acknowledged, and opening the writer truncates it.
 *
 * One writer (the broker's thread) appends with a group commit: messages that arrive while a write
 * and its fdatasync are under way go together in the next one, so the cost is one fdatasync per
 * batch, not per message, and the event loop never waits on the disk. One reader (ingest) reads
 * records up to the durable end and removes whole segments the store has taken in.
 */

/** The log's folder under HEARTH_DATA_DIR. */
export const READINGS_LOG_FOLDER = 'readings-log'

const HEADER_BYTES = 8
const BODY_FIXED_BYTES = 9
const SEGMENT_SUFFIX = '.log'
/** Records larger than this are refused by the writer and treated as corruption by the reader. */
const MAX_RECORD_BYTES = 32 * 1024 * 1024

export interface LogRecord {
  /** Where the record starts. */
  position: number
  /** Where the next record starts. */
  next: number
  deviceId: string
  receivedAtMs: number
  payload: Buffer
}

const segmentName = (base: number): string => `${String(base).padStart(20, '0')}${SEGMENT_SUFFIX}`

/** The segments in the folder, oldest first, by base position. */
function listSegments(dir: string): number[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith(SEGMENT_SUFFIX) && /^\d{20}\.log$/.test(name))
    .map((name) => Number(name.slice(0, 20)))
    .sort((a, b) => a - b)
}

function encode(deviceId: string, receivedAtMs: number, payload: Buffer): Buffer {
  const id = Buffer.from(deviceId, 'utf8')
  if (id.length > 255) throw new Error('device id longer than 255 bytes')
  const bodyLength = BODY_FIXED_BYTES + id.length + payload.length
  const record = Buffer.allocUnsafe(HEADER_BYTES + bodyLength)
  record.writeUInt32LE(bodyLength, 0)
  record.writeDoubleLE(receivedAtMs, HEADER_BYTES)
  record.writeUInt8(id.length, HEADER_BYTES + 8)
  id.copy(record, HEADER_BYTES + BODY_FIXED_BYTES)
  payload.copy(record, HEADER_BYTES + BODY_FIXED_BYTES + id.length)
  record.writeUInt32LE(crc32(record.subarray(HEADER_BYTES)), 4)
  return record
}

/**
 * Decodes the whole records in `chunk` (read from `position`). Stops at the first record that is
 * incomplete; reports `corrupt` at one whose length or CRC is wrong.
 */
function decode(chunk: Buffer, position: number): { records: LogRecord[]; used: number; corrupt: boolean } {
  const records: LogRecord[] = []
  let at = 0
  while (at + HEADER_BYTES <= chunk.length) {
    const bodyLength = chunk.readUInt32LE(at)
    if (bodyLength < BODY_FIXED_BYTES || bodyLength > MAX_RECORD_BYTES) return { records, used: at, corrupt: true }
    if (at + HEADER_BYTES + bodyLength > chunk.length) break
    const body = chunk.subarray(at + HEADER_BYTES, at + HEADER_BYTES + bodyLength)
    if (crc32(body) !== chunk.readUInt32LE(at + 4)) return { records, used: at, corrupt: true }
    const idLength = body.readUInt8(8)
    if (BODY_FIXED_BYTES + idLength > bodyLength) return { records, used: at, corrupt: true }
    const next = at + HEADER_BYTES + bodyLength
    records.push({
      position: position + at,
      next: position + next,
      receivedAtMs: body.readDoubleLE(0),
      deviceId: body.toString('utf8', BODY_FIXED_BYTES, BODY_FIXED_BYTES + idLength),
      // A copy: the chunk is reused for the next read.
      payload: Buffer.from(body.subarray(BODY_FIXED_BYTES + idLength)),
    })
    at = next
  }
  return { records, used: at, corrupt: false }
}

/** Scans a segment from its start and returns the length of its valid records. */
function validLength(path: string): number {
  const fd = openSync(path, 'r')
  try {
    const size = statSync(path).size
    let at = 0
    let buffer = Buffer.allocUnsafe(1024 * 1024)
    while (at < size) {
      const read = readSync(fd, buffer, 0, Math.min(buffer.length, size - at), at)
      const { used, corrupt, records } = decode(buffer.subarray(0, read), at)
      at += used
      if (corrupt || at + HEADER_BYTES > size) break
      if (records.length === 0) {
        // One record larger than the buffer: grow it, or stop at a record cut short.
        const needed = HEADER_BYTES + buffer.readUInt32LE(0)
        if (at + needed > size) break
        buffer = Buffer.allocUnsafe(needed)
      }
    }
    return at
  } finally {
    closeSync(fd)
  }
}

function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r')
  try {
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}

export interface ReadingsLogWriterOptions {
  /** A new segment starts once the current one is this large. */
  segmentBytes?: number
}

interface Waiting {
  record: Buffer
  done: (error?: Error) => void
}

/** The broker's side of the readings log. */
export class ReadingsLogWriter {
  private file: FileHandle | undefined
  private base: number
  private size: number
  private durable: number
  private waiting: Waiting[] = []
  private writing: Promise<void> | undefined
  private closed = false
  private readonly listeners: Array<(end: number) => void> = []
  private readonly segmentBytes: number

  private constructor(
    readonly dir: string,
    base: number,
    size: number,
    options: ReadingsLogWriterOptions,
  ) {
    this.base = base
    this.size = size
    this.durable = base + size
    this.segmentBytes = options.segmentBytes ?? 64 * 1024 * 1024
  }

  /** Opens the log in `dir` (creating it), cutting off a record left half-written by a stop. */
  static async open(dir: string, options: ReadingsLogWriterOptions = {}): Promise<ReadingsLogWriter> {
    mkdirSync(dir, { recursive: true })
    const segments = listSegments(dir)
    const base = segments.at(-1) ?? 0
    const path = join(dir, segmentName(base))
    let size = 0
    if (segments.length > 0) {
      size = validLength(path)
      if (size < statSync(path).size) {
        const fd = openSync(path, 'r+')
        try {
          ftruncateSync(fd, size)
          fsyncSync(fd)
        } finally {
          closeSync(fd)
        }
      }
    }
    const writer = new ReadingsLogWriter(dir, base, size, options)
    writer.file = await open(path, 'a')
    if (segments.length === 0) fsyncDir(dir)
    return writer
  }

  /** The end of what is on disk: every record before it has been acknowledged or may be. */
  end(): number {
    return this.durable
  }

  /** Told the new durable end after each group commit. */
  onDurable(listener: (end: number) => void): void {
    this.listeners.push(listener)
  }

  /** Appends one readings message; `done` is called once it is on disk, or with why it is not. */
  append(deviceId: string, receivedAtMs: number, payload: Buffer, done: (error?: Error) => void): void {
    if (this.closed) return done(new Error('the readings log is closed'))
    let record: Buffer
    try {
      record = encode(deviceId, receivedAtMs, payload)
    } catch (error) {
      return done(error as Error)
    }
    this.waiting.push({ record, done })
    this.writing ??= this.commit()
  }

  /** Writes what is waiting, with one fdatasync, then what arrived meanwhile, until none is. */
  private async commit(): Promise<void> {
    // Let the messages read in this turn of the event loop join the first write.
    await new Promise((resolve) => setImmediate(resolve))
    while (this.waiting.length > 0) {
      const batch = this.waiting
      this.waiting = []
      let error: Error | undefined
      try {
        const bytes = Buffer.concat(batch.map((w) => w.record))
        if (this.size > 0 && this.size + bytes.length > this.segmentBytes) await this.rotate()
        const file = this.file
        if (!file) throw new Error('the readings log is closed')
        let written = 0
        while (written < bytes.length) written += (await file.write(bytes, written, bytes.length - written)).bytesWritten
        await file.datasync()
        this.size += bytes.length
        this.durable = this.base + this.size
      } catch (cause) {
        error = cause instanceof Error ? cause : new Error(String(cause))
        // What was written of this batch is cut off, so the log stays a sequence of whole records.
        await this.truncateToDurable()
      }
      for (const w of batch) w.done(error)
      if (!error) for (const listener of this.listeners) listener(this.durable)
    }
    this.writing = undefined
  }

  private async truncateToDurable(): Promise<void> {
    try {
      await this.file?.truncate(this.size)
    } catch {
      // The next append fails the same way and is refused; nothing was acknowledged.
    }
  }

  private async rotate(): Promise<void> {
    await this.file?.close()
    this.base += this.size
    this.size = 0
    this.file = await open(join(this.dir, segmentName(this.base)), 'a')
    fsyncDir(this.dir)
  }

  /** Writes what is waiting and closes the file; appends after this are refused. */
  async close(): Promise<void> {
    this.closed = true
    while (this.writing) await this.writing
    await this.file?.close()
    this.file = undefined
  }
}

/** Ingest's side of the readings log: reads records in order and removes what the store has taken in. */
export class ReadingsLogReader {
  private fd: number | undefined
  private fdBase = -1
  private buffer = Buffer.allocUnsafe(256 * 1024)

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true })
  }

  /** Where the oldest segment still kept begins. */
  start(): number {
    return listSegments(this.dir)[0] ?? 0
  }

  /** Where the log's files end now (a record may still be being written there). */
  end(): number {
    const last = listSegments(this.dir).at(-1)
    return last === undefined ? 0 : last + statSync(join(this.dir, segmentName(last))).size
  }

  /**
   * Reads whole records from `from` up to `to` (the durable end), at most about `maxBytes` of
   * them. `next` is where to read on; a corrupt record (never acknowledged) ends the segment.
   */
  read(from: number, to: number, maxBytes = 1024 * 1024): { records: LogRecord[]; next: number } {
    if (from >= to) return { records: [], next: from }
    const segments = listSegments(this.dir)
    let index = segments.findLastIndex((base) => base <= from)
    if (index === -1) {
      // What the store recorded is older than the log kept: read on from the oldest segment.
      if (segments.length === 0) return { records: [], next: from }
      index = 0
      from = segments[0] as number
    }
    const base = segments[index] as number
    const nextBase = segments[index + 1]
    const segmentEnd = Math.min(to, nextBase ?? to)
    const want = Math.min(segmentEnd - from, Math.max(maxBytes, HEADER_BYTES))
    if (want <= 0) return { records: [], next: nextBase ?? from }
    if (this.buffer.length < want) this.buffer = Buffer.allocUnsafe(want)
    const fd = this.openSegment(base)
    const read = readSync(fd, this.buffer, 0, want, from - base)
    const { records, used, corrupt } = decode(this.buffer.subarray(0, read), from)
    if (records.length === 0 && !corrupt && read >= HEADER_BYTES) {
      // One record larger than maxBytes: read exactly it.
      const needed = HEADER_BYTES + this.buffer.readUInt32LE(0)
      if (needed <= segmentEnd - from && needed <= MAX_RECORD_BYTES + HEADER_BYTES) {
        this.buffer = Buffer.allocUnsafe(needed)
        return this.read(from, to, needed)
      }
    }
    // A corrupt or cut-off record: the rest of this segment was never acknowledged.
    if ((corrupt || (records.length === 0 && read < want)) && nextBase !== undefined) return { records, next: nextBase }
    return { records, next: from + used }
  }

  /** Removes the segments that end at or before `position` (never the newest, which the writer holds). */
  release(position: number): number {
    const segments = listSegments(this.dir)
    let removed = 0
    for (let i = 0; i + 1 < segments.length; i++) {
      const next = segments[i + 1] as number
      if (next > position) break
      const base = segments[i] as number
      if (this.fdBase === base) this.closeSegment()
      rmSync(join(this.dir, segmentName(base)), { force: true })
      removed++
    }
    return removed
  }

  private openSegment(base: number): number {
    if (this.fd !== undefined && this.fdBase === base) return this.fd
    this.closeSegment()
    this.fd = openSync(join(this.dir, segmentName(base)), 'r')
    this.fdBase = base
    return this.fd
  }

  private closeSegment(): void {
    if (this.fd !== undefined) closeSync(this.fd)
    this.fd = undefined
    this.fdBase = -1
  }

  close(): void {
    this.closeSegment()
  }
}
