import { describe, expect, it } from 'vitest'
import { decidePublish, decideSubscribe, type Principal } from '../../../broker/acl.js'
import type { DeviceId } from '../../../contract/index.js'

const device: Principal = { kind: 'device', deviceId: 'pendant-1' as DeviceId }
const ingest: Principal = { kind: 'service', username: 'hearth-ingest', role: 'ingest' }
const alerting: Principal = { kind: 'service', username: 'hearth-alerting', role: 'alerting' }
const root = 'wellbeing/v1/devices'

describe('device ACL', () => {
  it('lets a device publish only to its own status, readings and events', () => {
    for (const suffix of ['status', 'readings', 'events']) expect(decidePublish(device, `${root}/pendant-1/${suffix}`).allowed).toBe(true)
    expect(decidePublish(device, `${root}/pendant-1/commands`).allowed).toBe(false)
    expect(decidePublish(device, `${root}/pendant-2/events`)).toEqual({ allowed: false, reason: 'device pendant-1 may not publish for pendant-2' })
    expect(decidePublish(device, 'anything/else').allowed).toBe(false)
    expect(decidePublish(device, '$SYS/broker/uptime').allowed).toBe(false)
  })

  it('lets a device subscribe only to its own commands and errors, never wildcards or $SYS', () => {
    expect(decideSubscribe(device, `${root}/pendant-1/commands`).allowed).toBe(true)
    expect(decideSubscribe(device, `${root}/pendant-1/errors`).allowed).toBe(true)
    expect(decideSubscribe(device, `${root}/pendant-2/commands`).allowed).toBe(false)
    expect(decideSubscribe(device, `${root}/+/commands`).allowed).toBe(false)
    expect(decideSubscribe(device, `${root}/pendant-1/#`).allowed).toBe(false)
    expect(decideSubscribe(device, '#').allowed).toBe(false)
    expect(decideSubscribe(device, '$SYS/#').allowed).toBe(false)
  })
})

describe('service ACL', () => {
  it('gives ingest readings and status in, errors out, and nothing else', () => {
    expect(decideSubscribe(ingest, `${root}/+/readings`).allowed).toBe(true)
    expect(decideSubscribe(ingest, `${root}/+/status`).allowed).toBe(true)
    expect(decideSubscribe(ingest, `${root}/+/events`).allowed).toBe(false)
    expect(decidePublish(ingest, `${root}/pendant-1/errors`).allowed).toBe(true)
    expect(decidePublish(ingest, `${root}/pendant-1/commands`).allowed).toBe(false)
  })

  it('gives alerting events in and commands out', () => {
    expect(decideSubscribe(alerting, `${root}/+/events`).allowed).toBe(true)
    expect(decidePublish(alerting, `${root}/pendant-1/commands`).allowed).toBe(true)
    expect(decidePublish(alerting, `${root}/pendant-1/readings`).allowed).toBe(false)
    expect(decideSubscribe(alerting, '$SYS/#').allowed).toBe(false)
  })
})
