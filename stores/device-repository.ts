import { randomBytes } from 'node:crypto'
import type { DeviceId, DeviceStatus, DeviceType } from '../contract/index.js'
import type { DeviceView } from '../dashboard/ports.js'
import type { SqliteDatabase } from './open-database.js'

/** A device as the dashboard's devices port shows it (never its secret hash). */
export type DeviceRecord = DeviceView

interface Row {
  id: string
  type: DeviceType
  person_id: string
  label: string | null
  check_in_seconds: number | null
  created_at: number
  last_seen_at: number | null
  online: number | null
  battery: number | null
  signal: number | null
  firmware: string | null
  deprovisioned_at: number | null
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString())

function toRecord(row: Row): DeviceRecord {
  return {
    id: row.id,
    type: row.type,
    personId: row.person_id,
    label: row.label,
    checkInSeconds: row.check_in_seconds,
    createdAt: new Date(row.created_at).toISOString(),
    lastSeenAt: iso(row.last_seen_at),
    online: row.online === null ? null : row.online === 1,
    battery: row.battery,
    signal: row.signal,
    firmware: row.firmware,
    deprovisionedAt: iso(row.deprovisioned_at),
  }
}

export interface NewDevice {
  id?: string
  type: DeviceType
  personId: string
  secretHash: string
  checkInSeconds?: number
  label?: string
}

const COLUMNS = 'id, type, person_id, label, check_in_seconds, created_at, last_seen_at, online, battery, signal, firmware, deprovisioned_at'
/** Devices in service: not deprovisioned. */
const IN_SERVICE = 'deprovisioned_at IS NULL'

export function createDeviceRepository(db: SqliteDatabase) {
  const insert = db.prepare(
    'INSERT INTO devices (id, type, person_id, secret_hash, check_in_seconds, label, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  )
  const known = db.prepare<[string], { id: string }>('SELECT id FROM devices WHERE id = ?')
  const secretOf = db.prepare<[string], { secret_hash: string }>(`SELECT secret_hash FROM devices WHERE id = ? AND ${IN_SERVICE}`)
  const previousSecretOf = db.prepare<[string, number], { hash: string; validUntilMs: number }>(
    `SELECT previous_secret_hash AS hash, previous_secret_valid_until AS validUntilMs FROM devices
      WHERE id = ? AND ${IN_SERVICE} AND previous_secret_hash IS NOT NULL AND previous_secret_valid_until > ?`,
  )
  // The secret in use becomes the previous one for the grace (none when no grace is given); the
  // one it replaced, if still in its own grace, stops working now.
  const rotate = db.prepare(
    `UPDATE devices SET previous_secret_hash = CASE WHEN @validUntilMs IS NULL THEN NULL ELSE secret_hash END,
       previous_secret_valid_until = @validUntilMs, secret_hash = @secretHash, secret_rotated_at = @nowMs
     WHERE id = @id AND ${IN_SERVICE}`,
  )
  const move = db.prepare(`UPDATE devices SET person_id = ? WHERE id = ? AND ${IN_SERVICE}`)
  // Deprovisioned or not: what a device sent while in service is still that person's.
  const personOf = db.prepare<[string], { person_id: string }>('SELECT person_id FROM devices WHERE id = ?')
  const byId = db.prepare<[string], Row>(`SELECT ${COLUMNS} FROM devices WHERE id = ?`)
  const all = db.prepare<[], Row>(`SELECT ${COLUMNS} FROM devices WHERE ${IN_SERVICE} ORDER BY id`)
  const watched = db.prepare<[], { id: string; type: DeviceType; personId: string; checkInSeconds: number | null; lastSeenMs: number }>(
    `SELECT id, type, person_id AS personId, check_in_seconds AS checkInSeconds, COALESCE(last_seen_at, created_at) AS lastSeenMs FROM devices WHERE ${IN_SERVICE}`,
  )
  const byPerson = db.prepare<[string], Row>(`SELECT ${COLUMNS} FROM devices WHERE person_id = ? AND ${IN_SERVICE} ORDER BY id`)
  // The secret goes with it: no hash is left that a secret could match.
  const retire = db.prepare(
    `UPDATE devices SET deprovisioned_at = ?, deprovisioned_by = ?, secret_hash = '', previous_secret_hash = NULL, previous_secret_valid_until = NULL
      WHERE id = ? AND ${IN_SERVICE}`,
  )
  const status = db.prepare(
    `UPDATE devices SET online = ?, battery = COALESCE(?, battery), signal = COALESCE(?, signal),
       firmware = COALESCE(?, firmware), status_at = ?, last_seen_at = MAX(COALESCE(last_seen_at, 0), ?) WHERE id = ?`,
  )
  const seen = db.prepare('UPDATE devices SET last_seen_at = MAX(COALESCE(last_seen_at, 0), ?) WHERE id = ?')

  return {
    /** Inserts a device; returns its id. Throws a constraint error when the id is taken. */
    provision(device: NewDevice, nowMs: number): string {
      const id = device.id ?? `${device.type}-${randomBytes(4).toString('hex')}`
      insert.run(id, device.type, device.personId, device.secretHash, device.checkInSeconds ?? null, device.label ?? null, nowMs)
      return id
    },
    /** Whether the id was ever issued, deprovisioned or not: ids are never issued twice. */
    exists(id: string): boolean {
      return known.get(id) !== undefined
    },
    /** Takes the device out of service for good; false when it was not in service. */
    deprovision(id: string, by: string, nowMs: number): boolean {
      return retire.run(nowMs, by, id).changes === 1
    },
    /**
     * A new secret (its hash) in place of the one in use, which keeps working until
     * `previousValidUntilMs` (not at all when null); false when the device is not in service.
     */
    rotateSecret(id: string, secretHash: string, previousValidUntilMs: number | null, nowMs: number): boolean {
      return rotate.run({ id, secretHash, validUntilMs: previousValidUntilMs, nowMs }).changes === 1
    },
    /** The device is someone else's from now on; false when it is not in service. */
    reassign(id: string, personId: string): boolean {
      return move.run(personId, id).changes === 1
    },
    secretHashOf(deviceId: DeviceId): string | undefined {
      return secretOf.get(deviceId)?.secret_hash
    },
    /** The secret a rotation replaced, while its grace still runs at `nowMs`, and when the grace ends. */
    previousSecretOf(deviceId: DeviceId, nowMs: number): { hash: string; validUntilMs: number } | undefined {
      return previousSecretOf.get(deviceId, nowMs)
    },
    personOf(deviceId: DeviceId): string | undefined {
      return personOf.get(deviceId)?.person_id
    },
    /** The device's record, deprovisioned or not. */
    get(id: string): DeviceRecord | undefined {
      const row = byId.get(id)
      return row ? toRecord(row) : undefined
    },
    list(): DeviceRecord[] {
      return all.all().map(toRecord)
    },
    /** Every device with only what the rules watch, last seen (or provisioned) in ms: no conversions, for 10,000 devices at a time. */
    watched(): Array<{ id: string; type: DeviceType; personId: string; checkInSeconds: number | null; lastSeenMs: number }> {
      return watched.all()
    },
    listForPerson(personId: string): DeviceRecord[] {
      return byPerson.all(personId).map(toRecord)
    },
    /** Status check-ins in arrival order, in one transaction. */
    recordStatuses: db.transaction((statuses: ReadonlyArray<{ deviceId: DeviceId; status: DeviceStatus; atMs: number }>) => {
      for (const { deviceId, status: value, atMs } of statuses) {
        status.run(value.online ? 1 : 0, value.battery ?? null, value.signal ?? null, value.firmware ?? null, atMs, atMs, deviceId)
      }
    }) as (statuses: ReadonlyArray<{ deviceId: DeviceId; status: DeviceStatus; atMs: number }>) => void,
    recordSeen: db.transaction((seenAt: ReadonlyMap<string, number>) => {
      for (const [deviceId, atMs] of seenAt) seen.run(atMs, deviceId)
    }) as (seenAt: ReadonlyMap<string, number>) => void,
  }
}
