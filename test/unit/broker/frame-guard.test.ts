import { describe, expect, it } from 'vitest'
import { MqttFrameScanner } from '../../../broker/frame-guard.js'

/** A PUBLISH fixed header announcing `length` bytes of remaining length. */
function header(length: number): Buffer {
  const bytes = [0x30]
  let n = length
  do {
    let byte = n % 128
    n = Math.floor(n / 128)
    if (n > 0) byte |= 0x80
    bytes.push(byte)
  } while (n > 0)
  return Buffer.from(bytes)
}

describe('MqttFrameScanner', () => {
  it('passes packets within the limit, however the bytes are split', () => {
    const scanner = new MqttFrameScanner(1024)
    const packet = Buffer.concat([header(100), Buffer.alloc(100)])
    const stream = Buffer.concat([packet, packet, packet])
    const passed: Buffer[] = []
    for (let i = 0; i < stream.length; i += 7) {
      const { pass, refusal } = scanner.feed(stream.subarray(i, i + 7))
      expect(refusal).toBeUndefined()
      passed.push(...pass)
    }
    expect(Buffer.concat(passed)).toEqual(stream)
  })

  it('refuses a 1 MiB packet from its header, before the body arrives', () => {
    const scanner = new MqttFrameScanner(64 * 1024)
    expect(scanner.feed(header(1024 * 1024)).refusal).toMatchObject({ reason: 'packet_too_large', why: expect.stringMatching(/exceeds the 65536-byte limit/) })
  })

  it('refuses a packet that follows an acceptable one in the same chunk', () => {
    const scanner = new MqttFrameScanner(64)
    expect(scanner.feed(Buffer.concat([header(10), Buffer.alloc(10), header(100)])).refusal?.why).toMatch(/exceeds/)
  })

  it('refuses a remaining length longer than four bytes', () => {
    const scanner = new MqttFrameScanner(Number.MAX_SAFE_INTEGER)
    expect(scanner.feed(Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01])).refusal?.reason).toBe('malformed_packet')
  })
})
