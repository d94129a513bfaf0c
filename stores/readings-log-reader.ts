import { closeSync, openSync, readSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { makePrivateFolder } from './private-files.js'
import { HEADER_BYTES, MAX_RECORD_BYTES, decode, listSegments, segmentName, type LogRecord } from './readings-log-records.js'

/** Ingest's side of the readings log (readings-log.ts): reads records in order and removes what the store has taken in. */
export class ReadingsLogReader {
  private fd: number | undefined
  private fdBase = -1
  private buffer = Buffer.allocUnsafe(256 * 1024)

  constructor(readonly dir: string) {
    makePrivateFolder(dir)
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
