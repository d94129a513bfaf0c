import { closeSync, fsyncSync, ftruncateSync, openSync, statSync } from 'node:fs'
import { open, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import { PRIVATE_FILE_MODE, makePrivateFolder } from './private-files.js'
import { encode, listSegments, segmentName, validLength } from './readings-log-records.js'

/**
 * The readings log: every readings message a device published, on disk before the broker
 * acknowledges it (PUBACK), in the order the broker took them. Ingest reads it from the position
 * the readings store last recorded, so a reading the device was told is delivered survives a
 * kill, a crash or a power cut, and is stored exactly once.
 *
 * Segment files of CRC-checked records in one folder (readings-log-records.ts). One writer (the
 * broker's thread, here) appends with a group commit: messages that arrive while a write and its
 * fdatasync are under way go together in the next one, so the cost is one fdatasync per batch,
 * not per message, and the event loop never waits on the disk. One reader (ingest,
 * readings-log-reader.ts) reads records up to the durable end and removes whole segments the
 * store has taken in.
 */

/** The log's folder under HEARTH_DATA_DIR. */
export const READINGS_LOG_FOLDER = 'readings-log'

/** Makes a file created or removed in `dir` durable (the folder's own entry list is synced). */
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
    makePrivateFolder(dir)
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
    writer.file = await open(path, 'a', PRIVATE_FILE_MODE)
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
    this.file = await open(join(this.dir, segmentName(this.base)), 'a', PRIVATE_FILE_MODE)
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
