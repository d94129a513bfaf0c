import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { DeviceEvent, DeviceId } from '../../../contract/index.js'
import { createDeviceRepository } from '../../../stores/device-repository.js'
import { createEventJournal } from '../../../stores/event-journal.js'
import { openDatabase, type SqliteDatabase } from '../../../stores/open-database.js'
import { OPERATIONAL_MIGRATIONS } from '../../../stores/operational-schema.js'
import { createPersonRepository } from '../../../stores/person-repository.js'
import { removeDir, tempDir } from '../../../harness/test-platform.js'

const T0 = Date.parse('2026-11-20T08:00:00Z')
const SECOND = 1000
const HOUR = 3_600_000
const DAY = 24 * HOUR

const PENDANT = 'pendant-1' as DeviceId
const DOOR = 'door-1' as DeviceId

const event = (id: string, type: DeviceEvent['type'] = 'alarm.pressed', data: Record<string, unknown> = {}, ts?: number): DeviceEvent => ({
  id,
  type,
  data,
  ...(ts === undefined ? {} : { ts }),
})

describe('event journal', () => {
  let dir: string
  let file: string
  let db: SqliteDatabase
  let journal: ReturnType<typeof createEventJournal>

  const open = (): SqliteDatabase => openDatabase(file, OPERATIONAL_MIGRATIONS, { synchronous: 'FULL' })

  beforeEach(() => {
    dir = tempDir('hearth-journal-')
    file = join(dir, 'hearth.db')
    db = open()
    journal = createEventJournal(db)
  })
  afterEach(() => {
    db.close()
    removeDir(dir)
  })

  describe('recording', () => {
    it('records a new event as unprocessed, with its type and when it arrived', () => {
      expect(journal.record(PENDANT, event('e-1'), T0)).toEqual({ event: event('e-1'), outcome: 'new' })
      expect(journal.recorded(PENDANT, 'e-1')).toEqual({ type: 'alarm.pressed', receivedAtMs: T0, processed: false })
      expect(journal.recorded(PENDANT, 'e-2')).toBeUndefined()
      expect(journal.recorded(DOOR, 'e-1')).toBeUndefined()
    })

    it('keeps what a device sent, time and data included, and leaves out a time it did not send', () => {
      journal.record(DOOR, event('e-1', 'door.opened', { door: 'front', nested: { depth: [1, 2] } }, 1_795_000_000.25), T0)
      journal.record(PENDANT, event('e-2', 'test'), T0 + SECOND)
      expect(journal.pending(10)).toEqual([
        { deviceId: DOOR, event: { id: 'e-1', type: 'door.opened', ts: 1_795_000_000.25, data: { door: 'front', nested: { depth: [1, 2] } } }, receivedAtMs: T0 },
        { deviceId: PENDANT, event: { id: 'e-2', type: 'test', data: {} }, receivedAtMs: T0 + SECOND },
      ])
    })

    it('still has what it recorded after the database is closed and opened again', () => {
      journal.record(PENDANT, event('e-1'), T0)
      db.close()
      db = open()
      journal = createEventJournal(db)
      expect(journal.pending(10).map((e) => e.event.id)).toEqual(['e-1'])
    })
  })

  describe('the same event twice', () => {
    it('takes the same device, id and type again within a day as a redelivery, keeping the first as it was', () => {
      journal.record(PENDANT, event('e-1', 'alarm.pressed', { first: true }), T0)
      expect(journal.record(PENDANT, event('e-1', 'alarm.pressed', { first: false }), T0 + 5 * SECOND)).toEqual({
        event: event('e-1', 'alarm.pressed', { first: false }),
        outcome: 'redelivery',
      })
      expect(journal.record(PENDANT, event('e-1'), T0 + DAY - 1).outcome).toBe('redelivery')
      expect(journal.pending(10)).toEqual([{ deviceId: PENDANT, event: event('e-1', 'alarm.pressed', { first: true }), receivedAtMs: T0 }])
    })

    it('takes a redelivery of an event already processed as a redelivery, and leaves it processed', () => {
      journal.record(PENDANT, event('e-1'), T0)
      journal.markProcessed(PENDANT, 'e-1', T0 + SECOND)
      expect(journal.record(PENDANT, event('e-1'), T0 + 10 * SECOND).outcome).toBe('redelivery')
      expect(journal.recorded(PENDANT, 'e-1')).toEqual({ type: 'alarm.pressed', receivedAtMs: T0, processed: true })
      expect(journal.pending(10)).toEqual([])
    })

    it("keeps another device's event with the same id as an event of its own", () => {
      journal.record(PENDANT, event('e-1'), T0)
      expect(journal.record(DOOR, event('e-1', 'door.opened'), T0 + SECOND)).toEqual({ event: event('e-1', 'door.opened'), outcome: 'new' })
      expect(journal.recorded(DOOR, 'e-1')).toEqual({ type: 'door.opened', receivedAtMs: T0 + SECOND, processed: false })
      expect(journal.pending(10).map((e) => [e.deviceId, e.event.id])).toEqual([
        [PENDANT, 'e-1'],
        [DOOR, 'e-1'],
      ])
    })

    it('records the id used again for another type as a new event under <id>~<received ms>', () => {
      journal.record(PENDANT, event('e-1', 'test'), T0)
      journal.markProcessed(PENDANT, 'e-1', T0 + SECOND)
      const at = T0 + HOUR
      expect(journal.record(PENDANT, event('e-1', 'alarm.pressed', { button: 'red' }), at)).toEqual({
        event: event(`e-1~${at}`, 'alarm.pressed', { button: 'red' }),
        outcome: 'id-reused',
      })
      expect(journal.recorded(PENDANT, `e-1~${at}`)).toEqual({ type: 'alarm.pressed', receivedAtMs: at, processed: false })
      expect(journal.recorded(PENDANT, 'e-1')).toEqual({ type: 'test', receivedAtMs: T0, processed: true })
      expect(journal.pending(10)).toEqual([{ deviceId: PENDANT, event: event(`e-1~${at}`, 'alarm.pressed', { button: 'red' }), receivedAtMs: at }])
    })

    it('takes a redelivery of an event kept under a new id as that event again, and an id with % or _ as itself', () => {
      journal.record(PENDANT, event('e-1', 'test'), T0)
      const at = T0 + HOUR
      journal.record(PENDANT, event('e-1', 'alarm.pressed'), at)
      expect(journal.record(PENDANT, event('e-1', 'alarm.pressed'), at + SECOND)).toEqual({ event: event(`e-1~${at}`, 'alarm.pressed'), outcome: 'redelivery' })
      expect(journal.pending(10).map((e) => e.event.id)).toEqual(['e-1', `e-1~${at}`])
      // LIKE wildcards in an id match only themselves.
      expect(journal.record(PENDANT, event('e_1', 'alarm.pressed'), at + 2 * SECOND).outcome).toBe('new')
      expect(journal.record(PENDANT, event('e-%', 'alarm.pressed'), at + 3 * SECOND).outcome).toBe('new')
    })

    it('records the same id and type a day or more later as a new event, even if the first was never processed', () => {
      journal.record(PENDANT, event('e-1'), T0)
      expect(journal.record(PENDANT, event('e-1'), T0 + DAY)).toEqual({ event: event(`e-1~${T0 + DAY}`), outcome: 'id-reused' })
      expect(journal.record(PENDANT, event('e-1'), T0 + 3 * DAY)).toEqual({ event: event(`e-1~${T0 + 3 * DAY}`), outcome: 'id-reused' })
      expect(journal.pending(10).map((e) => [e.event.id, e.receivedAtMs])).toEqual([
        ['e-1', T0],
        [`e-1~${T0 + DAY}`, T0 + DAY],
        [`e-1~${T0 + 3 * DAY}`, T0 + 3 * DAY],
      ])
    })
  })

  describe('pending and processed', () => {
    it('hands out unprocessed events oldest first, up to the limit, whatever the order they were written in', () => {
      journal.record(PENDANT, event('e-3', 'test'), T0 + 3 * SECOND)
      journal.record(DOOR, event('e-1', 'door.opened'), T0 + SECOND)
      journal.record(PENDANT, event('e-2'), T0 + 2 * SECOND)
      expect(journal.pending(10).map((e) => e.event.id)).toEqual(['e-1', 'e-2', 'e-3'])
      expect(journal.pending(2).map((e) => e.event.id)).toEqual(['e-1', 'e-2'])
    })

    it('no longer hands out an event once it is processed, and marks only that device’s event', () => {
      journal.record(PENDANT, event('e-1'), T0)
      journal.record(DOOR, event('e-1', 'door.opened'), T0 + SECOND)
      journal.markProcessed(PENDANT, 'e-1', T0 + 2 * SECOND)
      expect(journal.recorded(PENDANT, 'e-1')?.processed).toBe(true)
      expect(journal.recorded(DOOR, 'e-1')?.processed).toBe(false)
      expect(journal.pending(10).map((e) => [e.deviceId, e.event.id])).toEqual([[DOOR, 'e-1']])
    })

    it('changes nothing when asked to mark an event it never recorded', () => {
      journal.record(PENDANT, event('e-1'), T0)
      journal.markProcessed(PENDANT, 'e-9', T0)
      journal.markProcessed(DOOR, 'e-1', T0)
      expect(journal.pending(10).map((e) => e.event.id)).toEqual(['e-1'])
      expect(journal.recorded(PENDANT, 'e-9')).toBeUndefined()
    })
  })

  describe('reading back', () => {
    it("lists what a person's devices sent while theirs, newest first, processed or not, up to the limit", () => {
      const persons = createPersonRepository(db)
      const devices = createDeviceRepository(db)
      const ada = persons.create({ name: 'Ada Lovelace', timeZone: 'Europe/London' }, T0).id
      const bob = persons.create({ name: 'Bob Marley', timeZone: 'Europe/London' }, T0).id
      devices.provision({ id: PENDANT, type: 'pendant', personId: ada, secretHash: 'h' }, T0)
      devices.provision({ id: DOOR, type: 'door-sensor', personId: ada, secretHash: 'h' }, T0)
      devices.provision({ id: 'bed-1', type: 'bed-sensor', personId: bob, secretHash: 'h' }, T0)
      journal.record(PENDANT, event('e-1'), T0)
      journal.record(DOOR, event('d-1', 'door.opened'), T0 + SECOND)
      journal.record(PENDANT, event('e-2', 'alarm.cancelled'), T0 + 2 * SECOND)
      journal.record('bed-1' as DeviceId, event('b-1', 'bed.exit'), T0 + 3 * SECOND)
      journal.markProcessed(PENDANT, 'e-1', T0 + 4 * SECOND)
      expect(journal.recentForPerson(ada, 10).map((e) => [e.deviceId, e.event.id])).toEqual([
        [PENDANT, 'e-2'],
        [DOOR, 'd-1'],
        [PENDANT, 'e-1'],
      ])
      expect(journal.recentForPerson(ada, 1).map((e) => e.event.id)).toEqual(['e-2'])

      // Moved to Bob: what it sent before stays Ada's, what it sends now is Bob's.
      devices.reassign(PENDANT, bob)
      journal.record(PENDANT, event('e-3'), T0 + 5 * SECOND)
      expect(journal.recentForPerson(ada, 10).map((e) => e.event.id)).toEqual(['e-2', 'd-1', 'e-1'])
      expect(journal.recentForPerson(bob, 10).map((e) => e.event.id)).toEqual(['e-3', 'b-1'])
      expect(journal.recentForPerson('nobody', 10)).toEqual([])
    })

    it('tells when each person last showed activity, by the event types that count, through their devices', () => {
      const persons = createPersonRepository(db)
      const devices = createDeviceRepository(db)
      const ada = persons.create({ name: 'Ada Lovelace', timeZone: 'Europe/London' }, T0).id
      const bob = persons.create({ name: 'Bob Marley', timeZone: 'Europe/London' }, T0).id
      devices.provision({ id: 'motion-1', type: 'motion-sensor', personId: ada, secretHash: 'h' }, T0)
      devices.provision({ id: 'door-1', type: 'door-sensor', personId: ada, secretHash: 'h' }, T0)
      devices.provision({ id: 'pendant-2', type: 'pendant', personId: bob, secretHash: 'h' }, T0)
      journal.record('motion-1' as DeviceId, event('m-1', 'motion'), T0 + HOUR)
      journal.record(DOOR, event('d-1', 'door.opened'), T0 + 2 * HOUR)
      journal.record('motion-1' as DeviceId, event('m-2', 'motion'), T0 + 30 * SECOND)
      journal.record('pendant-2' as DeviceId, event('p-1', 'test'), T0 + 3 * HOUR)
      journal.record('ghost-1' as DeviceId, event('g-1', 'motion'), T0 + 4 * HOUR)
      expect(journal.lastActivityByPerson(['motion', 'door.opened'])).toEqual(new Map([[ada, T0 + 2 * HOUR]]))
      expect(journal.lastActivityByPerson(['motion'])).toEqual(new Map([[ada, T0 + HOUR]]))
      expect(journal.lastActivityByPerson(['motion', 'test'])).toEqual(new Map([[ada, T0 + HOUR], [bob, T0 + 3 * HOUR]]))
      expect(journal.lastActivityByPerson([])).toEqual(new Map())
    })
  })
})
