import { describe, expect, it } from 'vitest'
import { MqttFrameScanner } from '../../../broker/frame-guard.js'
import { stringProblem, topicFilterProblem, topicNameProblem } from '../../../broker/mqtt-strings.js'
import { MqttPacketRules } from '../../../broker/packet-rules.js'
import { encodeConnect, encodePublish, PINGREQ } from '../../helpers/mqtt-packets.js'

const bytes = (hex: string): Buffer => Buffer.from(hex.replace(/\s+/g, ''), 'hex')
const problem = (value: Buffer): string | undefined => stringProblem(value, 0, value.length)
const text = (value: string): Buffer => Buffer.from(value, 'utf8')

describe('stringProblem (MQTT 3.1.1 §1.5.3)', () => {
  it('accepts well-formed text of one to four bytes a character, U+FEFF included', () => {
    for (const value of ['wellbeing/v1/devices/pendant-1/events', 'café', '温度', '\u{2A6D4}', '\uFEFFbom', '']) expect(problem(text(value))).toBeUndefined()
  })

  it('refuses ill-formed UTF-8: surrogates, overlong forms, past U+10FFFF, stray and missing continuation bytes', () => {
    for (const hex of ['eda080', 'edbfbf', 'c0af', 'e080af', 'f08282ac', 'f4908080', 'f5808080', '80', 'e282', 'c3', 'ff']) expect(problem(bytes(hex))).toBe('ill_formed')
  })

  it('refuses U+0000, the C0 and C1 controls and DEL, and non-characters', () => {
    expect(problem(bytes('61 00'))).toBe('null_character')
    for (const hex of ['01', '1f', '7f', 'c280', 'c29f']) expect(problem(bytes(hex))).toBe('control_character')
    for (const hex of ['efbfbe', 'efbfbf', 'efb790', 'efb7af', 'f09fbfbf', 'f48fbfbf']) expect(problem(bytes(hex))).toBe('non_character')
  })
})

describe('topic names and filters (MQTT 3.1.1 §4.7)', () => {
  const name = (value: string): string | undefined => topicNameProblem(text(value), 0, text(value).length)
  const filter = (value: string): string | undefined => topicFilterProblem(text(value), 0, text(value).length)

  it('refuses empty topic names and wildcards in them', () => {
    expect(name('a/b')).toBeUndefined()
    expect(name('/')).toBeUndefined()
    for (const value of ['', 'a/+', '#', 'a/#/b', 'a+b']) expect(name(value)).toBeDefined()
  })

  it('accepts wildcards that fill a level, # last, and refuses any other placement', () => {
    for (const value of ['#', '+', '/#', '+/+', 'a/+/c/#', '/+/', 'a//#', '$SYS/#']) expect(filter(value)).toBeUndefined()
    for (const value of ['', 'a/#/b', '#/', '#a', 'a#', 'a/b#', 'a+', '+a', 'a/+b/c', '##', '++']) expect(filter(value)).toBeDefined()
  })
})

describe('MqttPacketRules', () => {
  const connected = (): MqttPacketRules => {
    const rules = new MqttPacketRules()
    const connect = encodeConnect({ clientId: 'pendant-1', clean: true, keepaliveS: 60 })
    expect(rules.check(connect, 2)).toBeUndefined()
    return rules
  }

  it('names the client in refusals after its CONNECT', () => {
    const refusal = connected().check(bytes('c0 01 00'), 2)
    expect(refusal).toMatchObject({ reason: 'malformed_packet', clientId: 'pendant-1' })
  })

  it('clears what MQTT 3.1 leaves unused but the packet parser refuses: CONNECT flags, DUP on a repeated SUBSCRIBE', () => {
    const rules = new MqttPacketRules()
    const connect = bytes('14 0f 0006 4d5149736470 03 03 000a 0001 70')
    expect(rules.check(connect, 2)).toBeUndefined()
    expect(connect[0]).toBe(0x10)
    expect(connect[11]).toBe(0x02)
    const subscribe = bytes('8a 06 0001 0001 70 00')
    expect(rules.check(subscribe, 2)).toBeUndefined()
    expect(subscribe[0]).toBe(0x82)
  })

  it('answers an MQTT 5 CONNECT with CONNACK 0x01, but closes a malformed one or one whose maximum packet size is under 4 bytes', () => {
    const v5 = (properties: string, payload = '0001 70'): Buffer => {
      const body = bytes(`0004 4d515454 05 02 003c ${properties} ${payload}`)
      return Buffer.concat([Buffer.from([0x10, body.length]), body])
    }
    expect(new MqttPacketRules().check(v5('00'), 2)).toMatchObject({ reason: 'mqtt5_unsupported', connack: 1 })
    expect(new MqttPacketRules().check(v5('08 11 0000003c 21 0014'), 2)).toMatchObject({ reason: 'mqtt5_unsupported', connack: 1 })
    const tiny = new MqttPacketRules().check(v5('05 27 00000002'), 2)
    expect(tiny?.reason).toBe('mqtt5_unsupported')
    expect(tiny?.connack).toBeUndefined()
    expect(new MqttPacketRules().check(v5('02 7f 00'), 2)).toMatchObject({ reason: 'malformed_packet' })
    expect(new MqttPacketRules().check(v5('00', '0001 70 0001 70'), 2)).toMatchObject({ reason: 'malformed_packet' })
  })
})

describe('MqttFrameScanner with the rules', () => {
  it('passes whole packets on as they complete, split or together, and stops at the first refusal', () => {
    const scanner = new MqttFrameScanner(1024, new MqttPacketRules())
    const good = Buffer.concat([encodeConnect({ clientId: 'pendant-1', clean: true, keepaliveS: 60 }), encodePublish(text('a/b'), text('x'), 1, 1), PINGREQ])
    const passed: Buffer[] = []
    for (let i = 0; i < good.length; i += 5) {
      const { pass, refusal } = scanner.feed(good.subarray(i, i + 5))
      expect(refusal).toBeUndefined()
      passed.push(...pass)
    }
    expect(Buffer.concat(passed)).toEqual(good)
    const result = scanner.feed(Buffer.concat([PINGREQ, encodePublish(text('a/#'), text('x'), 0, 0)]))
    expect(result).toEqual({ pass: [], refusal: expect.objectContaining({ reason: 'bad_topic' }) })
  })

  it('holds back a packet until it is whole', () => {
    const scanner = new MqttFrameScanner(1024, new MqttPacketRules())
    const connect = encodeConnect({ clientId: 'pendant-1', clean: true, keepaliveS: 60 })
    expect(scanner.feed(connect.subarray(0, 10)).pass).toEqual([])
    expect(Buffer.concat(scanner.feed(connect.subarray(10)).pass)).toEqual(connect)
  })
})
