import { connect as tcpConnect, type Socket } from 'node:net'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { connectAsync, type MqttClient } from 'mqtt'
import { Registry } from 'prom-client'
import type { Broker } from '../../broker/create-broker.js'
import { createLogger } from '../../platform/logger.js'
import { encodeConnect, encodePublish, encodeSubscribe, PINGREQ } from '../helpers/mqtt-packets.js'
import { openAuthorizer, startOpenBroker } from '../../harness/open-broker.js'

/**
 * MQTT 3.1.1 conformance of the broker as broker/create-broker.ts composes it, byte by byte over a
 * real TCP socket: what a client sees (CONNACK return codes, SUBACK codes, the connection closed)
 * for each rule of OASIS MQTT 3.1.1, cited by its normative statement number, and that a well-formed
 * client on another connection is never disturbed. Authentication and topic rights are replaced by
 * hooks that let everyone in, so only the protocol is under test.
 */

const hex = (text: string): Buffer => Buffer.from(text.replace(/\s+/g, ''), 'hex')
const u16 = (n: number): Buffer => Buffer.from([n >> 8, n & 0xff])

/** A UTF-8 string field: two-byte length, then the bytes (text, or bytes as given). */
function str(value: string | Buffer): Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value
  return Buffer.concat([u16(bytes.length), bytes])
}

/** A packet from its first byte and body, with the remaining length encoded. */
function packet(first: number, ...body: Buffer[]): Buffer {
  const payload = Buffer.concat(body)
  const length: number[] = []
  let n = payload.length
  do {
    let byte = n % 128
    n = Math.floor(n / 128)
    if (n > 0) byte |= 0x80
    length.push(byte)
  } while (n > 0)
  return Buffer.concat([Buffer.from([first, ...length]), payload])
}

let ids = 0
const nextId = (): string => `conformance-${++ids}`

interface ConnectShape {
  name?: string
  level?: number
  headerFlags?: number
  flags?: number
  payload?: Buffer[]
}

/** A CONNECT as given, by default a well-formed MQTT 3.1.1 one with a fresh client id and clean session. */
function connect(shape: ConnectShape = {}): Buffer {
  const { name = 'MQTT', level = 4, headerFlags = 0, flags = 0x02, payload = [str(nextId())] } = shape
  return packet(0x10 | headerFlags, str(name), Buffer.from([level, flags]), u16(60), ...payload)
}

const publish = (topic: Buffer, first = 0x30, id?: number): Buffer => packet(first, str(topic), id === undefined ? Buffer.alloc(0) : u16(id), Buffer.from('payload'))
const subscribe = (first: number, id: number, ...filters: Buffer[]): Buffer => packet(first, u16(id), ...filters)
const filter = (topic: string | Buffer, options = 0): Buffer => Buffer.concat([str(topic), Buffer.from([options])])

const CONNACK_ACCEPTED = hex('20 02 00 00')
const PINGRESP = hex('d0 00')

/** A raw TCP connection that keeps what it receives and notices when the broker closes it. */
class RawClient {
  private data = Buffer.alloc(0)
  private isClosed = false
  private readonly wakers = new Set<() => void>()

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.data = Buffer.concat([this.data, chunk])
      this.wake()
    })
    socket.on('error', () => undefined)
    socket.once('close', () => {
      this.isClosed = true
      this.wake()
    })
  }

  static open(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = tcpConnect(port, '127.0.0.1', () => {
        socket.off('error', reject)
        socket.setNoDelay(true)
        resolve(new RawClient(socket))
      })
      socket.once('error', reject)
    })
  }

  /** Opens a connection and has its CONNECT accepted. */
  static async connected(port: number, clientId = nextId()): Promise<RawClient> {
    const client = await RawClient.open(port)
    client.send(encodeConnect({ clientId, clean: true, keepaliveS: 60 }))
    expect(await client.take(4)).toEqual(CONNACK_ACCEPTED)
    return client
  }

  send(...parts: Buffer[]): void {
    if (!this.socket.destroyed) this.socket.write(Buffer.concat(parts))
  }

  /** The next `count` bytes received, or fewer if the connection closes or `ms` passes first. */
  async take(count: number, ms = 2000): Promise<Buffer> {
    await this.until(() => this.data.length >= count || this.isClosed, ms)
    const taken = this.data.subarray(0, count)
    this.data = this.data.subarray(count)
    return taken
  }

  /** Whether the broker closed the connection within `ms`. */
  async closes(ms = 2000): Promise<boolean> {
    await this.until(() => this.isClosed, ms)
    return this.isClosed
  }

  /** What was received and not taken. */
  get unread(): Buffer {
    return this.data
  }

  destroy(): void {
    this.socket.destroy()
  }

  private wake(): void {
    for (const waker of this.wakers) waker()
  }

  private until(done: () => boolean, ms: number): Promise<void> {
    if (done()) return Promise.resolve()
    return new Promise((resolve) => {
      const finish = (): void => {
        clearTimeout(timer)
        this.wakers.delete(check)
        resolve()
      }
      const check = (): void => {
        if (done()) finish()
      }
      const timer = setTimeout(finish, ms)
      this.wakers.add(check)
    })
  }
}

describe('MQTT 3.1.1 conformance of the broker', () => {
  let broker: Broker
  let port: number
  const metrics = new Registry()
  const logs: string[] = []
  /** The user names the broker asked the authorizer about. */
  const authenticated: Array<string | undefined> = []
  const open: RawClient[] = []
  /** A well-formed client connected throughout, which every violation must leave undisturbed. */
  let bystander: MqttClient

  beforeAll(async () => {
    const allow = openAuthorizer()
    const started = await startOpenBroker({
      metrics,
      connectTimeoutMs: 2000,
      logger: createLogger('warn', { write: (line: string) => void logs.push(line) }),
      authorizer: (refuse) => {
        const hooks = allow(refuse)
        return {
          ...hooks,
          authenticate: (client, username, password, done) => {
            authenticated.push(username)
            hooks.authenticate(client, username, password, done)
          },
        }
      },
    })
    broker = started.broker
    port = started.port
    bystander = await connectAsync(`mqtt://127.0.0.1:${port}`, { clientId: 'bystander', reconnectPeriod: 0 })
    await bystander.subscribeAsync('bystander/echo', { qos: 1 })
  })

  afterAll(async () => {
    for (const client of open) client.destroy()
    await bystander?.endAsync()
    await broker?.close()
  })

  afterEach(async () => {
    expect(bystander.connected).toBe(true)
    const echoed = new Promise<string>((resolve) => bystander.once('message', (_topic, payload) => resolve(payload.toString())))
    await bystander.publishAsync('bystander/echo', 'still here', { qos: 1 })
    expect(await echoed).toBe('still here')
  })

  const refusals = async (reason: string): Promise<number> => {
    const metric = await metrics.getSingleMetric('hearth_mqtt_refusals_total')?.get()
    return metric?.values.find((v) => v.labels.reason === reason)?.value ?? 0
  }

  const fresh = async (): Promise<RawClient> => {
    const client = await RawClient.open(port)
    open.push(client)
    return client
  }

  const connected = async (): Promise<RawClient> => {
    const client = await RawClient.connected(port)
    open.push(client)
    return client
  }

  /** Sends `bytes` and expects the connection closed with no reply, counted under `reason`. */
  const expectClosedSilently = async (client: RawClient, bytes: Buffer, reason: string): Promise<void> => {
    const before = await refusals(reason)
    client.send(bytes)
    expect(await client.closes()).toBe(true)
    expect(client.unread).toEqual(Buffer.alloc(0))
    expect(await refusals(reason)).toBe(before + 1)
  }

  describe('CONNECT', () => {
    const closedBeforeConnack: Array<{ name: string; bytes: Buffer; reason: string }> = [
      { name: 'a PUBLISH as the first packet [MQTT-3.1.0-1]', bytes: publish(Buffer.from('a/b')), reason: 'unexpected_packet' },
      { name: 'a PINGREQ as the first packet [MQTT-3.1.0-1]', bytes: PINGREQ, reason: 'unexpected_packet' },
      { name: 'a protocol name other than MQTT [MQTT-3.1.2-1]', bytes: connect({ name: 'MQTX' }), reason: 'bad_protocol_name' },
      { name: 'an empty protocol name [MQTT-3.1.2-1]', bytes: connect({ name: '' }), reason: 'bad_protocol_name' },
      { name: 'fixed-header flags set on CONNECT [MQTT-2.2.2-2]', bytes: connect({ headerFlags: 0x2 }), reason: 'bad_flags' },
      { name: 'the reserved connect flag set [MQTT-3.1.2-3]', bytes: connect({ flags: 0x03 }), reason: 'bad_flags' },
      { name: 'a Will QoS without the Will flag [MQTT-3.1.2-13]', bytes: connect({ flags: 0x02 | 0x08 }), reason: 'bad_flags' },
      { name: 'Will Retain without the Will flag [MQTT-3.1.2-15]', bytes: connect({ flags: 0x02 | 0x20 }), reason: 'bad_flags' },
      { name: 'Will QoS 3 [MQTT-3.1.2-14]', bytes: connect({ flags: 0x02 | 0x04 | 0x18, payload: [str(nextId()), str('will/topic'), str('gone')] }), reason: 'bad_flags' },
      { name: 'the password flag without the user name flag [MQTT-3.1.2-22]', bytes: connect({ flags: 0x42, payload: [str(nextId()), str('secret')] }), reason: 'bad_flags' },
      { name: 'a user name whose flag is 0 (bytes past the fields) [MQTT-3.1.2-18]', bytes: connect({ payload: [str(nextId()), str('someone')] }), reason: 'malformed_packet' },
      { name: 'the user name flag with no user name [MQTT-3.1.2-19]', bytes: connect({ flags: 0x82 }), reason: 'malformed_packet' },
      { name: 'the password flag with no password [MQTT-3.1.2-21]', bytes: connect({ flags: 0xc2, payload: [str(nextId()), str('someone')] }), reason: 'malformed_packet' },
      { name: 'the Will flag with no Will topic or message [MQTT-3.1.2-9]', bytes: connect({ flags: 0x06 }), reason: 'malformed_packet' },
      { name: 'no client id at all [MQTT-3.1.3-3]', bytes: connect({ payload: [] }), reason: 'malformed_packet' },
      { name: 'a client id holding U+0000 [MQTT-1.5.3-2]', bytes: connect({ payload: [str(hex('7061 00 64'))] }), reason: 'bad_utf8' },
      { name: 'a client id holding an encoded surrogate U+D800 [MQTT-1.5.3-1] [MQTT-3.1.3-4]', bytes: connect({ payload: [str(hex('7061 eda080'))] }), reason: 'bad_utf8' },
      { name: 'a client id holding an overlong encoding [MQTT-1.5.3-1]', bytes: connect({ payload: [str(hex('7061 c0af'))] }), reason: 'bad_utf8' },
      { name: 'a client id cut short mid-character [MQTT-1.5.3-1]', bytes: connect({ payload: [str(hex('7061 e282'))] }), reason: 'bad_utf8' },
      { name: 'a client id holding control character U+0001 (§1.5.3)', bytes: connect({ payload: [str(hex('7061 01'))] }), reason: 'bad_utf8' },
      { name: 'a client id holding control character U+009F (§1.5.3)', bytes: connect({ payload: [str(hex('7061 c29f'))] }), reason: 'bad_utf8' },
      { name: 'a user name holding U+0000 [MQTT-1.5.3-2] [MQTT-3.1.3-11]', bytes: connect({ flags: 0x82, payload: [str(nextId()), str(hex('7573 00'))] }), reason: 'bad_utf8' },
      { name: 'a user name holding control character U+007F (§1.5.3)', bytes: connect({ flags: 0x82, payload: [str(nextId()), str(hex('7573 7f'))] }), reason: 'bad_utf8' },
      { name: 'a Will topic holding an encoded surrogate [MQTT-1.5.3-1] [MQTT-3.1.3-10]', bytes: connect({ flags: 0x06, payload: [str(nextId()), str(hex('77 edbfbf')), str('gone')] }), reason: 'bad_utf8' },
      { name: 'a Will topic holding a wildcard [MQTT-4.7.1-1]', bytes: connect({ flags: 0x06, payload: [str(nextId()), str('devices/+/status'), str('gone')] }), reason: 'bad_topic' },
      { name: 'an empty Will topic [MQTT-4.7.3-1]', bytes: connect({ flags: 0x06, payload: [str(nextId()), str(''), str('gone')] }), reason: 'bad_topic' },
    ]
    for (const { name, bytes, reason } of closedBeforeConnack) {
      it(`closes without CONNACK on ${name}`, async () => {
        await expectClosedSilently(await fresh(), bytes, reason)
      })
    }

    const connackThenClose: Array<{ name: string; bytes: Buffer; code: number; reason: string }> = [
      { name: 'protocol MQTT at level 3 [MQTT-3.1.2-2]', bytes: connect({ level: 3 }), code: 0x01, reason: 'unsupported_protocol_level' },
      { name: 'protocol MQTT at level 6 [MQTT-3.1.2-2]', bytes: connect({ level: 6 }), code: 0x01, reason: 'unsupported_protocol_level' },
      { name: 'protocol MQIsdp at level 4 [MQTT-3.1.2-2]', bytes: connect({ name: 'MQIsdp', level: 4 }), code: 0x01, reason: 'unsupported_protocol_level' },
      { name: 'an empty client id with clean session 0 [MQTT-3.1.3-8]', bytes: connect({ flags: 0x00, payload: [str('')] }), code: 0x02, reason: 'client_id_rejected' },
    ]
    for (const { name, bytes, code, reason } of connackThenClose) {
      it(`answers CONNACK 0x0${code} and closes on ${name}`, async () => {
        const before = await refusals(reason)
        const client = await fresh()
        client.send(bytes)
        expect(await client.take(4)).toEqual(Buffer.from([0x20, 0x02, 0x00, code]))
        expect(await client.closes()).toBe(true)
        expect(client.unread).toEqual(Buffer.alloc(0))
        expect(await refusals(reason)).toBe(before + 1)
      })
    }

    it('refuses an MQTT 5 client with CONNACK 0x01, counted and logged as mqtt5_unsupported [MQTT-3.1.2-2]', async () => {
      const before = await refusals('mqtt5_unsupported')
      const client = await fresh()
      // Level 5, clean start, keep alive 60, no properties, client id.
      client.send(packet(0x10, str('MQTT'), Buffer.from([5, 0x02]), u16(60), Buffer.from([0]), str(nextId())))
      expect(await client.take(4)).toEqual(hex('20 02 00 01'))
      expect(await client.closes()).toBe(true)
      expect(await refusals('mqtt5_unsupported')).toBe(before + 1)
      expect(logs.some((line) => line.includes('"reason":"mqtt5_unsupported"'))).toBe(true)
    })

    it('closes without CONNACK on a malformed MQTT 5 CONNECT: malformed first, whatever the level [MQTT-3.1.4-1]', async () => {
      const client = await fresh()
      await expectClosedSilently(client, packet(0x10, str('MQTT'), Buffer.from([5, 0x02]), u16(60), Buffer.from([0]), str(hex('7061 00'))), 'bad_utf8')
    })

    it('keeps invalid strings out of credential lookups and logs: refusals are logged by reason and description only', async () => {
      const client = await fresh()
      const marker = 'refused-user-name'
      await expectClosedSilently(client, connect({ flags: 0x82, payload: [str(nextId()), str(Buffer.concat([Buffer.from(marker), hex('00')]))] }), 'bad_utf8')
      expect(authenticated.some((username) => username?.includes(marker))).toBe(false)
      const line = logs.findLast((l) => l.includes('"reason":"bad_utf8"'))
      expect(JSON.parse(line ?? '{}')).toMatchObject({ msg: 'mqtt refusal', reason: 'bad_utf8', why: 'CONNECT user name holds U+0000 [MQTT-1.5.3-2]' })
      expect(logs.join('\n')).not.toContain(marker)
    })

    it('closes the connection on a second CONNECT [MQTT-3.1.0-2]', async () => {
      await expectClosedSilently(await connected(), connect(), 'unexpected_packet')
    })

    it('accepts an empty client id with clean session 1 [MQTT-3.1.3-6] and MQTT 3.1 (MQIsdp, level 3) clients', async () => {
      const anonymous = await fresh()
      anonymous.send(connect({ payload: [str('')] }))
      expect(await anonymous.take(4)).toEqual(CONNACK_ACCEPTED)
      const v31 = await fresh()
      v31.send(connect({ name: 'MQIsdp', level: 3 }))
      expect(await v31.take(4)).toEqual(CONNACK_ACCEPTED)
      v31.send(PINGREQ)
      expect(await v31.take(2)).toEqual(PINGRESP)
    })

    it('accepts a keep alive of 0, which turns the keep alive off (§3.1.2.10), rather than answer CONNACK 6', async () => {
      const client = await fresh()
      client.send(packet(0x10, str('MQTT'), Buffer.from([4, 0x02]), u16(0), str(nextId())))
      expect(await client.take(4)).toEqual(CONNACK_ACCEPTED)
    })
  })

  describe('PUBLISH', () => {
    const violations: Array<{ name: string; bytes: Buffer; reason: string }> = [
      { name: 'a topic name holding U+0000 [MQTT-1.5.3-2] [MQTT-4.7.3-2]', bytes: publish(hex('612f 00')), reason: 'bad_utf8' },
      { name: 'a topic name holding an encoded surrogate U+DFFF [MQTT-1.5.3-1]', bytes: publish(hex('612f edbfbf')), reason: 'bad_utf8' },
      { name: 'a topic name holding a lone continuation byte [MQTT-1.5.3-1]', bytes: publish(hex('612f 80')), reason: 'bad_utf8' },
      { name: 'a topic name holding control character U+001F (§1.5.3)', bytes: publish(hex('612f 1f')), reason: 'bad_utf8' },
      { name: 'a topic name holding the non-character U+FFFF (§1.5.3)', bytes: publish(hex('612f efbfbf')), reason: 'bad_utf8' },
      { name: 'a topic name holding + [MQTT-3.3.2-2]', bytes: publish(Buffer.from('a/+/c')), reason: 'bad_topic' },
      { name: 'a topic name holding # [MQTT-3.3.2-2]', bytes: publish(Buffer.from('a/#')), reason: 'bad_topic' },
      { name: 'an empty topic name [MQTT-4.7.3-1]', bytes: publish(Buffer.alloc(0)), reason: 'bad_topic' },
      { name: 'QoS 3 [MQTT-3.3.1-4]', bytes: publish(Buffer.from('a/b'), 0x36, 1), reason: 'bad_flags' },
      { name: 'DUP set at QoS 0 [MQTT-3.3.1-2]', bytes: publish(Buffer.from('a/b'), 0x38), reason: 'bad_flags' },
      { name: 'QoS 1 with packet identifier 0 [MQTT-2.3.1-1]', bytes: publish(Buffer.from('a/b'), 0x32, 0), reason: 'bad_packet_id' },
      { name: 'QoS 2 with packet identifier 0 [MQTT-2.3.1-1]', bytes: publish(Buffer.from('a/b'), 0x34, 0), reason: 'bad_packet_id' },
    ]
    for (const { name, bytes, reason } of violations) {
      it(`closes the connection on a PUBLISH with ${name}`, async () => {
        await expectClosedSilently(await connected(), bytes, reason)
      })
    }

    it('delivers topic names with four-byte UTF-8 and U+FEFF unchanged [MQTT-1.5.3-3]', async () => {
      const topic = Buffer.from('home/\u{2A6D4}/\uFEFFbom', 'utf8')
      const subscriber = await connected()
      subscriber.send(encodeSubscribe(7, [{ topic: topic.toString('utf8'), qos: 0 }]))
      expect(await subscriber.take(5)).toEqual(hex('90 03 0007 00'))
      const publisher = await connected()
      publisher.send(encodePublish(topic, Buffer.from('hi'), 1, 9))
      expect(await publisher.take(4)).toEqual(hex('40 02 0009'))
      expect(await subscriber.take(2 + 2 + topic.length + 2)).toEqual(encodePublish(topic, Buffer.from('hi'), 0, 0))
    })
  })

  describe('acknowledgements', () => {
    const acks = [
      { name: 'PUBACK', first: 0x40 },
      { name: 'PUBREC', first: 0x50 },
      { name: 'PUBREL', first: 0x62 },
      { name: 'PUBCOMP', first: 0x70 },
    ]
    for (const { name, first } of acks) {
      it(`closes the connection on a ${name} with packet identifier 0, which no PUBLISH carries [MQTT-2.3.1-1] [MQTT-4.8.0-1]`, async () => {
        await expectClosedSilently(await connected(), packet(first, u16(0)), 'bad_packet_id')
      })
      it(`closes the connection on a ${name} whose remaining length is not 2 [MQTT-4.8.0-1]`, async () => {
        await expectClosedSilently(await connected(), packet(first, u16(1), Buffer.from([0])), 'malformed_packet')
      })
    }

    it('closes the connection on a PUBREL whose fixed-header flags are not 0b0010 [MQTT-3.6.1-1]', async () => {
      await expectClosedSilently(await connected(), packet(0x60, u16(1)), 'bad_flags')
    })

    it('closes the connection on a PUBACK with fixed-header flags set [MQTT-2.2.2-2]', async () => {
      await expectClosedSilently(await connected(), packet(0x42, u16(1)), 'bad_flags')
    })

    it('completes a QoS 2 exchange from a client [MQTT-4.3.3-2]', async () => {
      const client = await connected()
      client.send(publish(Buffer.from('qos2/topic'), 0x34, 0x1234))
      expect(await client.take(4)).toEqual(hex('50 02 1234'))
      client.send(packet(0x62, u16(0x1234)))
      expect(await client.take(4)).toEqual(hex('70 02 1234'))
    })
  })

  describe('SUBSCRIBE and UNSUBSCRIBE', () => {
    const violations: Array<{ name: string; bytes: Buffer; reason: string }> = [
      { name: 'a SUBSCRIBE whose fixed-header flags are 0b0000 [MQTT-3.8.1-1]', bytes: subscribe(0x80, 1, filter('a/b')), reason: 'bad_flags' },
      { name: 'a SUBSCRIBE with packet identifier 0 [MQTT-2.3.1-1]', bytes: subscribe(0x82, 0, filter('a/b')), reason: 'bad_packet_id' },
      { name: 'a SUBSCRIBE without a topic filter [MQTT-3.8.3-3]', bytes: subscribe(0x82, 1), reason: 'malformed_packet' },
      { name: 'a SUBSCRIBE requesting QoS 3 [MQTT-3-8.3-4]', bytes: subscribe(0x82, 1, filter('a/b', 3)), reason: 'bad_flags' },
      { name: 'a SUBSCRIBE with reserved bits of the requested QoS set [MQTT-3-8.3-4]', bytes: subscribe(0x82, 1, filter('a/b', 0x04)), reason: 'bad_flags' },
      { name: 'a SUBSCRIBE whose topic filter lacks its requested QoS [MQTT-3.8.3-1]', bytes: subscribe(0x82, 1, str('a/b')), reason: 'malformed_packet' },
      { name: 'a SUBSCRIBE to a/#/b: # not last [MQTT-4.7.1-2]', bytes: subscribe(0x82, 1, filter('a/#/b')), reason: 'bad_topic' },
      { name: 'a SUBSCRIBE to #a: # not a whole level [MQTT-4.7.1-2]', bytes: subscribe(0x82, 1, filter('#a')), reason: 'bad_topic' },
      { name: 'a SUBSCRIBE to a/b#: # not after a separator [MQTT-4.7.1-2]', bytes: subscribe(0x82, 1, filter('a/b#')), reason: 'bad_topic' },
      { name: 'a SUBSCRIBE to a+: + not a whole level [MQTT-4.7.1-3]', bytes: subscribe(0x82, 1, filter('a+')), reason: 'bad_topic' },
      { name: 'a SUBSCRIBE to +a/b: + not a whole level [MQTT-4.7.1-3]', bytes: subscribe(0x82, 1, filter('+a/b')), reason: 'bad_topic' },
      { name: 'a SUBSCRIBE to an empty topic filter [MQTT-4.7.3-1]', bytes: subscribe(0x82, 1, filter('a/b'), filter('')), reason: 'bad_topic' },
      { name: 'a SUBSCRIBE topic filter holding U+0000 [MQTT-1.5.3-2] [MQTT-4.7.3-2]', bytes: subscribe(0x82, 1, filter(hex('612f 00'))), reason: 'bad_utf8' },
      { name: 'a SUBSCRIBE topic filter holding an encoded surrogate [MQTT-1.5.3-1] [MQTT-3.8.3-1]', bytes: subscribe(0x82, 1, filter(hex('612f eda080'))), reason: 'bad_utf8' },
      { name: 'a SUBSCRIBE topic filter holding control character U+0001 (§1.5.3)', bytes: subscribe(0x82, 1, filter(hex('612f 01'))), reason: 'bad_utf8' },
      { name: 'an UNSUBSCRIBE whose fixed-header flags are 0b0000 [MQTT-3.10.1-1]', bytes: subscribe(0xa0, 1, str('a/b')), reason: 'bad_flags' },
      { name: 'an UNSUBSCRIBE with packet identifier 0 [MQTT-2.3.1-1]', bytes: subscribe(0xa2, 0, str('a/b')), reason: 'bad_packet_id' },
      { name: 'an UNSUBSCRIBE without a topic filter [MQTT-3.10.3-2]', bytes: subscribe(0xa2, 1), reason: 'malformed_packet' },
      { name: 'an UNSUBSCRIBE from a/#/b [MQTT-4.7.1-2]', bytes: subscribe(0xa2, 1, str('a/#/b')), reason: 'bad_topic' },
      { name: 'an UNSUBSCRIBE topic filter holding U+0000 [MQTT-1.5.3-2] [MQTT-3.10.3-1]', bytes: subscribe(0xa2, 1, str(hex('612f 00'))), reason: 'bad_utf8' },
      { name: 'an UNSUBSCRIBE topic filter holding control character U+009F (§1.5.3)', bytes: subscribe(0xa2, 1, str(hex('612f c29f'))), reason: 'bad_utf8' },
    ]
    for (const { name, bytes, reason } of violations) {
      it(`closes the connection on ${name}`, async () => {
        await expectClosedSilently(await connected(), bytes, reason)
      })
    }

    it('grants wildcards that each fill a level, # last [MQTT-4.7.1-2] [MQTT-4.7.1-3], one SUBACK code per filter in order [MQTT-3.8.4-5]', async () => {
      const client = await connected()
      client.send(subscribe(0x82, 0x0102, filter('#', 0), filter('+/+', 1), filter('a/+/c/#', 2), filter('/#', 1), filter('+', 0)))
      expect(await client.take(9)).toEqual(hex('90 07 0102 00 01 02 01 00'))
    })

    it('answers an UNSUBSCRIBE of several filters, subscribed or not, with one UNSUBACK [MQTT-3.10.4-5] [MQTT-3.10.4-6]', async () => {
      const client = await connected()
      client.send(subscribe(0xa2, 0x0a0b, str('a/+'), str('b/#'), str('never/subscribed')))
      expect(await client.take(4)).toEqual(hex('b0 02 0a0b'))
    })
  })

  describe('other packets', () => {
    const violations: Array<{ name: string; bytes: Buffer; reason: string }> = [
      { name: 'a PINGREQ with a remaining length of 1 [MQTT-4.8.0-1]', bytes: hex('c0 01 00'), reason: 'malformed_packet' },
      { name: 'a PINGREQ with fixed-header flags set [MQTT-2.2.2-2]', bytes: hex('c2 00'), reason: 'bad_flags' },
      { name: 'a DISCONNECT with a remaining length of 1 [MQTT-4.8.0-1]', bytes: hex('e0 01 00'), reason: 'malformed_packet' },
      { name: 'a DISCONNECT with fixed-header flags set [MQTT-3.14.1-1]', bytes: hex('e1 00'), reason: 'bad_flags' },
      { name: 'a CONNACK, which only a server sends [MQTT-4.8.0-1]', bytes: hex('20 02 00 00'), reason: 'unexpected_packet' },
      { name: 'a SUBACK, which only a server sends [MQTT-4.8.0-1]', bytes: hex('90 03 0001 00'), reason: 'unexpected_packet' },
      { name: 'an UNSUBACK, which only a server sends [MQTT-4.8.0-1]', bytes: hex('b0 02 0001'), reason: 'unexpected_packet' },
      { name: 'a PINGRESP, which only a server sends [MQTT-4.8.0-1]', bytes: hex('d0 00'), reason: 'unexpected_packet' },
      { name: 'reserved packet type 0 [MQTT-4.8.0-1]', bytes: hex('00 00'), reason: 'unexpected_packet' },
      { name: 'reserved packet type 15 [MQTT-4.8.0-1]', bytes: hex('f0 00'), reason: 'unexpected_packet' },
      { name: 'a remaining length of five bytes (§2.2.3) [MQTT-4.8.0-1]', bytes: hex('30 80 80 80 80 01'), reason: 'malformed_packet' },
    ]
    for (const { name, bytes, reason } of violations) {
      it(`closes the connection on ${name}`, async () => {
        await expectClosedSilently(await connected(), bytes, reason)
      })
    }
  })

  describe('packets as they arrive on the wire', () => {
    it('reads packets split byte by byte and several packets in one chunk', async () => {
      const client = await fresh()
      const stream = Buffer.concat([connect(), encodeSubscribe(3, [{ topic: 'split/topic', qos: 1 }]), PINGREQ])
      for (const byte of stream) {
        client.send(Buffer.from([byte]))
        await new Promise((resolve) => setImmediate(resolve))
      }
      expect(await client.take(4 + 5 + 2)).toEqual(Buffer.concat([CONNACK_ACCEPTED, hex('90 03 0003 01'), PINGRESP]))
      client.send(Buffer.concat([encodePublish(Buffer.from('split/topic'), Buffer.from('x'), 1, 4), PINGREQ, PINGREQ]))
      const echo = encodePublish(Buffer.from('split/topic'), Buffer.from('x'), 1, 0)
      // PUBACK, the message back (its packet identifier is the broker's own), two PINGRESPs, in any order.
      const received = await client.take(4 + echo.length + 4)
      expect(received.includes(hex('40 02 0004'))).toBe(true)
      expect(received.includes(PINGRESP)).toBe(true)
      expect(received.includes(echo.subarray(0, 2 + 2 + 'split/topic'.length))).toBe(true)
    })

    it('refuses a topic name whose invalid character is split across chunks [MQTT-1.5.3-1]', async () => {
      const client = await connected()
      const bytes = publish(hex('612f eda080'))
      const before = await refusals('bad_utf8')
      client.send(bytes.subarray(0, 6))
      await new Promise((resolve) => setTimeout(resolve, 20))
      client.send(bytes.subarray(6))
      expect(await client.closes()).toBe(true)
      expect(client.unread).toEqual(Buffer.alloc(0))
      expect(await refusals('bad_utf8')).toBe(before + 1)
    })

    it('refuses a bad packet that follows good ones in the same chunk', async () => {
      const client = await connected()
      await expectClosedSilently(client, Buffer.concat([PINGREQ, publish(Buffer.from('fine')), publish(Buffer.from('not/#/fine'))]), 'bad_topic')
    })
  })
})
