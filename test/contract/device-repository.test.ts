import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { DeviceOwners } from '../../alerting/ports.js'
import type { DeviceCredentials } from '../../broker/ports.js'
import type { DeviceId } from '../../contract/index.js'
import type { Devices } from '../../dashboard/ports.js'
import type { DeviceDirectory } from '../../ingest/ports.js'
import { createDeviceRepository } from '../../stores/device-repository.js'
import { openDatabase, type SqliteDatabase } from '../../stores/open-database.js'
import { OPERATIONAL_MIGRATIONS } from '../../stores/operational-schema.js'
import { createPersonRepository } from '../../stores/person-repository.js'
import { removeDir, tempDir } from '../../harness/test-platform.js'

/**
 * Every part's view of the devices: the dashboard provisions, rotates secrets and moves devices,
 * the broker checks secrets (a rotated one's too), ingest and alerting record check-ins.
 */
type DeviceRepositoryPort = Devices & Required<DeviceCredentials> & DeviceDirectory & DeviceOwners

interface DeviceRepositoryFixture {
  devices: DeviceRepositoryPort
  /** A person devices may be provisioned for. */
  addPerson(name: string): string
  teardown(): void
}

const T0 = Date.parse('2026-11-20T08:00:00Z')
const MINUTE = 60_000
const iso = (ms: number): string => new Date(ms).toISOString()
const id = (value: string): DeviceId => value as DeviceId

/** One suite, run against every implementation of the device repository port. */
function deviceRepositoryContract(name: string, setup: () => DeviceRepositoryFixture): void {
  describe(`device repository contract: ${name}`, () => {
    let fixture: DeviceRepositoryFixture
    let devices: DeviceRepositoryPort
    let ada: string
    let bob: string

    beforeEach(() => {
      fixture = setup()
      devices = fixture.devices
      ada = fixture.addPerson('Ada Lovelace')
      bob = fixture.addPerson('Bob Marley')
    })
    afterEach(() => fixture.teardown())

    describe('provision', () => {
      it('keeps a device under the id given, never yet heard from', () => {
        expect(devices.provision({ id: 'pendant-1', type: 'pendant', personId: ada, secretHash: 'hash-1', checkInSeconds: 900, label: 'Kitchen pendant' }, T0)).toBe('pendant-1')
        expect(devices.get('pendant-1')).toMatchObject({
          id: 'pendant-1',
          type: 'pendant',
          personId: ada,
          label: 'Kitchen pendant',
          checkInSeconds: 900,
          createdAt: iso(T0),
          lastSeenAt: null,
          online: null,
          battery: null,
        })
        expect(devices.exists('pendant-1')).toBe(true)
      })

      it('leaves the label and check-in interval empty when none is given', () => {
        devices.provision({ id: 'door-1', type: 'door-sensor', personId: ada, secretHash: 'h' }, T0)
        expect(devices.get('door-1')).toMatchObject({ label: null, checkInSeconds: null })
      })

      it('makes up a distinct id for each device provisioned without one', () => {
        const ids = Array.from({ length: 5 }, () => devices.provision({ type: 'wearable', personId: ada, secretHash: 'h' }, T0))
        expect(new Set(ids).size).toBe(5)
        for (const made of ids) expect(devices.get(made)).toMatchObject({ id: made, type: 'wearable', personId: ada })
      })

      it('refuses an id already taken and keeps the device that has it', () => {
        devices.provision({ id: 'pendant-1', type: 'pendant', personId: ada, secretHash: 'ada-hash' }, T0)
        expect(() => devices.provision({ id: 'pendant-1', type: 'door-sensor', personId: bob, secretHash: 'bob-hash' }, T0 + MINUTE)).toThrow()
        expect(devices.get('pendant-1')).toMatchObject({ type: 'pendant', personId: ada, createdAt: iso(T0) })
        expect(devices.secretHashOf(id('pendant-1'))).toBe('ada-hash')
        expect(devices.list()).toHaveLength(1)
      })

      it('refuses a device for a person it does not know', () => {
        expect(() => devices.provision({ id: 'pendant-1', type: 'pendant', personId: 'p-nobody', secretHash: 'h' }, T0)).toThrow()
        expect(devices.exists('pendant-1')).toBe(false)
      })
    })

    describe('lookups', () => {
      beforeEach(() => {
        devices.provision({ id: 'pendant-1', type: 'pendant', personId: ada, secretHash: 'ada-pendant' }, T0)
        devices.provision({ id: 'door-1', type: 'door-sensor', personId: ada, secretHash: 'ada-door' }, T0)
        devices.provision({ id: 'bed-1', type: 'bed-sensor', personId: bob, secretHash: 'bob-bed' }, T0)
      })

      it("answers each device's secret hash, and undefined for a device it does not know", () => {
        expect(devices.secretHashOf(id('pendant-1'))).toBe('ada-pendant')
        expect(devices.secretHashOf(id('bed-1'))).toBe('bob-bed')
        expect(devices.secretHashOf(id('pendant-2'))).toBeUndefined()
        expect(devices.secretHashOf(id('PENDANT-1'))).toBeUndefined()
      })

      it('answers whose each device is, and undefined for a device it does not know', () => {
        expect(devices.personOf(id('door-1'))).toBe(ada)
        expect(devices.personOf(id('bed-1'))).toBe(bob)
        expect(devices.personOf(id('nothing-1'))).toBeUndefined()
        expect(devices.get('nothing-1')).toBeUndefined()
        expect(devices.exists('nothing-1')).toBe(false)
      })

      it("lists every device by id, and one person's devices by id", () => {
        expect(devices.list().map((d) => d.id)).toEqual(['bed-1', 'door-1', 'pendant-1'])
        expect(devices.listForPerson(ada).map((d) => d.id)).toEqual(['door-1', 'pendant-1'])
        expect(devices.listForPerson(bob).map((d) => [d.id, d.personId])).toEqual([['bed-1', bob]])
        expect(devices.listForPerson('p-nobody')).toEqual([])
      })
    })

    describe('rotate a secret', () => {
      beforeEach(() => {
        devices.provision({ id: 'pendant-1', type: 'pendant', personId: ada, secretHash: 'hash-1' }, T0)
      })

      it('with no grace: only the new secret is kept', () => {
        expect(devices.rotateSecret('pendant-1', 'hash-2', null, T0 + MINUTE)).toBe(true)
        expect(devices.secretHashOf(id('pendant-1'))).toBe('hash-2')
        expect(devices.previousSecretOf(id('pendant-1'), T0 + MINUTE)).toBeUndefined()
      })

      it('with a grace: the old secret is kept until the grace ends, and no longer', () => {
        devices.rotateSecret('pendant-1', 'hash-2', T0 + 60 * MINUTE, T0)
        expect(devices.secretHashOf(id('pendant-1'))).toBe('hash-2')
        expect(devices.previousSecretOf(id('pendant-1'), T0 + 59 * MINUTE)).toEqual({ hash: 'hash-1', validUntilMs: T0 + 60 * MINUTE })
        expect(devices.previousSecretOf(id('pendant-1'), T0 + 60 * MINUTE)).toBeUndefined()
      })

      it('twice within a grace: the first secret stops working, the second has the new grace', () => {
        devices.rotateSecret('pendant-1', 'hash-2', T0 + 60 * MINUTE, T0)
        devices.rotateSecret('pendant-1', 'hash-3', T0 + 90 * MINUTE, T0 + 30 * MINUTE)
        expect(devices.secretHashOf(id('pendant-1'))).toBe('hash-3')
        expect(devices.previousSecretOf(id('pendant-1'), T0 + 31 * MINUTE)).toEqual({ hash: 'hash-2', validUntilMs: T0 + 90 * MINUTE })
        devices.rotateSecret('pendant-1', 'hash-4', null, T0 + 40 * MINUTE)
        expect(devices.previousSecretOf(id('pendant-1'), T0 + 41 * MINUTE)).toBeUndefined()
      })

      it('answers false for a device it does not know', () => {
        expect(devices.rotateSecret('nothing-1', 'hash-2', null, T0)).toBe(false)
        expect(devices.previousSecretOf(id('nothing-1'), T0)).toBeUndefined()
      })
    })

    describe('reassign', () => {
      it("moves a device to another person: their lists and the watch have it, the first person's not", () => {
        devices.provision({ id: 'pendant-1', type: 'pendant', personId: ada, secretHash: 'hash-1' }, T0)
        expect(devices.reassign('pendant-1', bob)).toBe(true)
        expect(devices.personOf(id('pendant-1'))).toBe(bob)
        expect(devices.get('pendant-1')).toMatchObject({ personId: bob })
        expect(devices.listForPerson(ada)).toEqual([])
        expect(devices.listForPerson(bob).map((d) => d.id)).toEqual(['pendant-1'])
        expect(devices.watched()).toMatchObject([{ id: 'pendant-1', personId: bob }])
        expect(devices.secretHashOf(id('pendant-1'))).toBe('hash-1')
        expect(devices.reassign('nothing-1', bob)).toBe(false)
      })
    })

    describe('deprovision', () => {
      beforeEach(() => {
        devices.provision({ id: 'pendant-1', type: 'pendant', personId: ada, secretHash: 'ada-pendant' }, T0)
        devices.provision({ id: 'door-1', type: 'door-sensor', personId: ada, secretHash: 'ada-door' }, T0)
      })

      it('takes the device out of service: no secret, out of the lists and the watch, its record kept', () => {
        expect(devices.deprovision('pendant-1', 'admin', T0 + MINUTE)).toBe(true)
        expect(devices.secretHashOf(id('pendant-1'))).toBeUndefined()
        expect(devices.list().map((d) => d.id)).toEqual(['door-1'])
        expect(devices.listForPerson(ada).map((d) => d.id)).toEqual(['door-1'])
        expect(devices.watched().map((d) => d.id)).toEqual(['door-1'])
        expect(devices.get('pendant-1')).toMatchObject({ id: 'pendant-1', personId: ada, deprovisionedAt: iso(T0 + MINUTE) })
        expect(devices.get('door-1')).toMatchObject({ deprovisionedAt: null })
        // What it sent while in service is still the person's.
        expect(devices.personOf(id('pendant-1'))).toBe(ada)
      })

      it('forgets a secret still in its grace, so that neither secret matches again', () => {
        devices.rotateSecret('pendant-1', 'ada-pendant-2', T0 + 60 * MINUTE, T0)
        devices.deprovision('pendant-1', 'admin', T0 + MINUTE)
        expect(devices.previousSecretOf(id('pendant-1'), T0 + MINUTE)).toBeUndefined()
        expect(devices.rotateSecret('pendant-1', 'ada-pendant-3', null, T0 + 2 * MINUTE)).toBe(false)
        expect(devices.reassign('pendant-1', bob)).toBe(false)
        expect(devices.personOf(id('pendant-1'))).toBe(ada)
      })

      it('never issues its id again, and deprovisions it once', () => {
        devices.deprovision('pendant-1', 'admin', T0 + MINUTE)
        expect(devices.exists('pendant-1')).toBe(true)
        expect(() => devices.provision({ id: 'pendant-1', type: 'pendant', personId: bob, secretHash: 'new' }, T0 + 2 * MINUTE)).toThrow()
        expect(devices.secretHashOf(id('pendant-1'))).toBeUndefined()
        expect(devices.deprovision('pendant-1', 'admin', T0 + 3 * MINUTE)).toBe(false)
        expect(devices.get('pendant-1')?.deprovisionedAt).toBe(iso(T0 + MINUTE))
        expect(devices.deprovision('nothing-1', 'admin', T0)).toBe(false)
      })
    })

    describe('check-ins', () => {
      beforeEach(() => {
        devices.provision({ id: 'pendant-1', type: 'pendant', personId: ada, secretHash: 'h', checkInSeconds: 300 }, T0)
        devices.provision({ id: 'door-1', type: 'door-sensor', personId: bob, secretHash: 'h' }, T0 + MINUTE)
      })

      it('watches every device with its person, interval and when it was provisioned until it speaks', () => {
        expect(sorted(devices.watched())).toEqual([
          { id: 'door-1', type: 'door-sensor', personId: bob, checkInSeconds: null, lastSeenMs: T0 + MINUTE },
          { id: 'pendant-1', type: 'pendant', personId: ada, checkInSeconds: 300, lastSeenMs: T0 },
        ])
      })

      it('records when each device was last seen, several at once', () => {
        devices.recordSeen(new Map([['pendant-1', T0 + 5 * MINUTE], ['door-1', T0 + 7 * MINUTE]]))
        expect(devices.get('pendant-1')?.lastSeenAt).toBe(iso(T0 + 5 * MINUTE))
        expect(devices.get('door-1')?.lastSeenAt).toBe(iso(T0 + 7 * MINUTE))
        expect(sorted(devices.watched()).map((d) => d.lastSeenMs)).toEqual([T0 + 7 * MINUTE, T0 + 5 * MINUTE])
      })

      it('never moves last seen back for a message that arrives late', () => {
        devices.recordSeen(new Map([['pendant-1', T0 + 10 * MINUTE]]))
        devices.recordSeen(new Map([['pendant-1', T0 + 4 * MINUTE]]))
        devices.recordStatuses([{ deviceId: id('pendant-1'), status: { online: true }, atMs: T0 + 3 * MINUTE }])
        expect(devices.get('pendant-1')?.lastSeenAt).toBe(iso(T0 + 10 * MINUTE))
      })

      it('ignores a check-in from a device it does not know, and creates nothing', () => {
        devices.recordSeen(new Map([['ghost-1', T0], ['pendant-1', T0 + MINUTE]]))
        devices.recordStatuses([{ deviceId: id('ghost-1'), status: { online: true, battery: 0.5 }, atMs: T0 }])
        expect(devices.exists('ghost-1')).toBe(false)
        expect(devices.list().map((d) => d.id)).toEqual(['door-1', 'pendant-1'])
        expect(devices.get('pendant-1')?.lastSeenAt).toBe(iso(T0 + MINUTE))
      })

      it('records a status as online or offline with its battery, and counts it as a check-in', () => {
        devices.recordStatuses([{ deviceId: id('pendant-1'), status: { online: true, battery: 0.82 }, atMs: T0 + 2 * MINUTE }])
        expect(devices.get('pendant-1')).toMatchObject({ online: true, battery: 0.82, lastSeenAt: iso(T0 + 2 * MINUTE) })
        expect(devices.get('door-1')).toMatchObject({ online: null, battery: null, lastSeenAt: null })
      })

      it('keeps the last battery level known when a status carries none', () => {
        devices.recordStatuses([{ deviceId: id('pendant-1'), status: { online: true, battery: 0.4 }, atMs: T0 + MINUTE }])
        devices.recordStatuses([{ deviceId: id('pendant-1'), status: { online: false }, atMs: T0 + 2 * MINUTE }])
        expect(devices.get('pendant-1')).toMatchObject({ online: false, battery: 0.4 })
      })

      it('applies a batch of statuses in the order given: the last for a device says whether it is online', () => {
        devices.recordStatuses([
          { deviceId: id('pendant-1'), status: { online: true, battery: 0.9 }, atMs: T0 + MINUTE },
          { deviceId: id('door-1'), status: { online: true }, atMs: T0 + MINUTE },
          { deviceId: id('pendant-1'), status: { online: false, battery: 0.7 }, atMs: T0 + 2 * MINUTE },
        ])
        expect(devices.get('pendant-1')).toMatchObject({ online: false, battery: 0.7, lastSeenAt: iso(T0 + 2 * MINUTE) })
        expect(devices.get('door-1')).toMatchObject({ online: true, lastSeenAt: iso(T0 + MINUTE) })
      })
    })
  })
}

const sorted = <T extends { id: string }>(list: T[]): T[] => [...list].sort((a, b) => a.id.localeCompare(b.id))

deviceRepositoryContract('sqlite', () => {
  const dir = tempDir('hearth-devices-')
  const db: SqliteDatabase = openDatabase(join(dir, 'hearth.db'), OPERATIONAL_MIGRATIONS, { synchronous: 'FULL' })
  const persons = createPersonRepository(db)
  return {
    devices: createDeviceRepository(db),
    addPerson: (name) => persons.create({ name, timeZone: 'Europe/London' }, T0).id,
    teardown() {
      db.close()
      removeDir(dir)
    },
  }
})
