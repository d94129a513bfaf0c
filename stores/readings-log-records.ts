import { closeSync, openSync, readSync, readdirSync, statSync } from 'node:fs'
import { crc32 } from 'node:zlib'

/**
 * The readings log's records and segment files (readings-log.ts).
 *
 * Layout: segment files `<base position, 20 digits>.log` in one folder; a position is a byte
 * offset into the log as a whole. Each record is
 *   u32 body length | u32 CRC-32 of the body | body = f64 received-at ms | u8 id length | device id | payload
 * (little-endian). A record cut short or failing its CRC ends the log: it was being written when
 * the process stopped, so it was never acknowledged, and opening the writer truncates it.
 */

/** The length and CRC before each record's body. */
export const HEADER_BYTES = 8
/** The received-at time and the id's length, at the start of each body. */
const BODY_FIXED_BYTES = 9
const SEGMENT_SUFFIX = '.log'
/** Records larger than this are refused by the writer and treated as corruption by the reader. */
export const MAX_RECORD_BYTES = 32 * 1024 * 1024

export interface LogRecord {
  /** Where the record starts. */
  position: number
  /** Where the next record starts. */
  next: number
  deviceId: string
  receivedAtMs: number
  payload: Buffer
}

/** The file name of the segment that begins at position `base`. */
export const segmentName = (base: number): string => `${String(base).padStart(20, '0')}${SEGMENT_SUFFIX}`

/** The segments in the folder, oldest first, by base position. */
export function listSegments(dir: string): number[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith(SEGMENT_SUFFIX) && /^\d{20}\.log$/.test(name))
    .map((name) => Number(name.slice(0, 20)))
    .sort((a, b) => a - b)
}

/** One record, header and CRC included; throws for a device id longer than 255 bytes. */
export function encode(deviceId: string, receivedAtMs: number, payload: Buffer): Buffer {
  const id = Buffer.from(deviceId, 'utf8')
  if (id.length > 255) throw new Error('device id longer than 255 bytes')
  const bodyLength = BODY_FIXED_BYTES + id.length + payload.length
  if (bodyLength > MAX_RECORD_BYTES) throw new Error(`a record of ${bodyLength} bytes is over the log's limit of ${MAX_RECORD_BYTES}`)
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
export function decode(chunk: Buffer, position: number): { records: LogRecord[]; used: number; corrupt: boolean } {
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
export function validLength(path: string): number {
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
