/** Reads the fields of one packet's body; every read is undefined once past its end. */
export class FieldReader {
  constructor(
    readonly bytes: Buffer,
    public at: number,
  ) {}

  get left(): number {
    return this.bytes.length - this.at
  }

  byte(): number | undefined {
    return this.at < this.bytes.length ? this.bytes[this.at++] : undefined
  }

  u16(): number | undefined {
    if (this.left < 2) return undefined
    const value = this.bytes.readUInt16BE(this.at)
    this.at += 2
    return value
  }

  u32(): number | undefined {
    if (this.left < 4) return undefined
    const value = this.bytes.readUInt32BE(this.at)
    this.at += 4
    return value
  }

  /** A two-byte length and that many bytes: their [start, end), or undefined when they run past the packet. */
  field(): { start: number; end: number } | undefined {
    const length = this.u16()
    if (length === undefined || length > this.left) return undefined
    const start = this.at
    this.at += length
    return { start, end: this.at }
  }

  /** An MQTT 5 variable byte integer. */
  varint(): number | undefined {
    let value = 0
    for (let k = 0, multiplier = 1; k < 4; k++, multiplier *= 128) {
      const byte = this.byte()
      if (byte === undefined) return undefined
      value += (byte & 0x7f) * multiplier
      if ((byte & 0x80) === 0) return value
    }
    return undefined
  }

  skip(count: number): boolean {
    if (count > this.left) return false
    this.at += count
    return true
  }
}
