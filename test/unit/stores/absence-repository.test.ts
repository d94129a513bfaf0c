import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createAbsenceRepository } from '../../../stores/absence-repository.js'
import { openDatabase, type SqliteDatabase } from '../../../stores/open-database.js'
import { OPERATIONAL_MIGRATIONS } from '../../../stores/operational-schema.js'
import { createPersonRepository } from '../../../stores/person-repository.js'

const HOUR = 3_600_000
const T0 = Date.parse('2026-03-01T09:00:00Z')

describe('absence repository', () => {
  let dir: string
  let db: SqliteDatabase
  let personId: string
  let otherId: string
  let clockMs: number
  const cacheClock = { now: () => clockMs }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hearth-absence-'))
    db = openDatabase(join(dir, 'hearth.db'), OPERATIONAL_MIGRATIONS, { synchronous: 'NORMAL' })
    const people = createPersonRepository(db)
    personId = people.create({ name: 'Ada Lovelace', timeZone: 'Europe/London' }, T0).id
    otherId = people.create({ name: 'Mary Seacole', timeZone: 'Europe/London' }, T0).id
    clockMs = 0
  })

  afterEach(() => {
    db.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('is in force from its start (inclusive) to its end (exclusive)', () => {
    const repo = createAbsenceRepository(db)
    const absence = repo.add(personId, { fromMs: T0, toMs: T0 + 48 * HOUR, reason: 'in hospital' }, 'cleo', T0 - HOUR)
    expect(absence).toMatchObject({ id: expect.stringMatching(/^ab-\d+$/), personId, from: new Date(T0).toISOString(), endedAt: null })
    expect(repo.activeAt(personId, T0 - 1)).toBeUndefined()
    expect(repo.activeAt(personId, T0)?.id).toBe(absence.id)
    expect(repo.activeAt(personId, T0 + 48 * HOUR - 1)?.id).toBe(absence.id)
    expect(repo.activeAt(personId, T0 + 48 * HOUR)).toBeUndefined()
    expect(repo.activeAt(otherId, T0 + HOUR)).toBeUndefined()
  })

  it('stops being in force when ended early, and a future one ended is cancelled', () => {
    const repo = createAbsenceRepository(db)
    const stay = repo.add(personId, { fromMs: T0, toMs: T0 + 48 * HOUR, reason: 'in hospital' }, 'cleo', T0)
    const ended = repo.end(personId, stay.id, 'sam', T0 + 10 * HOUR)
    expect(ended).toMatchObject({ endedAt: new Date(T0 + 10 * HOUR).toISOString(), endedBy: 'sam' })
    expect(repo.activeAt(personId, T0 + 10 * HOUR - 1)?.id).toBe(stay.id)
    expect(repo.activeAt(personId, T0 + 10 * HOUR)).toBeUndefined()

    const holiday = repo.add(personId, { fromMs: T0 + 96 * HOUR, toMs: T0 + 120 * HOUR, reason: 'holiday' }, 'cleo', T0)
    repo.end(personId, holiday.id, 'cleo', T0 + 11 * HOUR)
    expect(repo.activeAt(personId, T0 + 100 * HOUR)).toBeUndefined()
  })

  it('refuses to end an absence twice or once over, and hides other people’s absences', () => {
    const repo = createAbsenceRepository(db)
    const stay = repo.add(personId, { fromMs: T0, toMs: T0 + HOUR, reason: 'clinic' }, 'cleo', T0)
    const conflict = expect.objectContaining({ code: 'conflict' })
    const missing = expect.objectContaining({ code: 'not_found' })
    expect(() => repo.end(personId, stay.id, 'sam', T0 + HOUR)).toThrow(conflict)
    expect(() => repo.end(otherId, stay.id, 'sam', T0)).toThrow(missing)
    expect(() => repo.end(personId, 'ab-999', 'sam', T0)).toThrow(missing)
    expect(() => repo.end(personId, 'not-an-id', 'sam', T0)).toThrow(missing)
    repo.end(personId, stay.id, 'sam', T0 + 1)
    expect(() => repo.end(personId, stay.id, 'sam', T0 + 2)).toThrow(conflict)
    expect(() => repo.add('p-nobody', { fromMs: T0, toMs: T0 + HOUR, reason: 'x' }, 'sam', T0)).toThrow(missing)
  })

  it('lists newest first', () => {
    const repo = createAbsenceRepository(db)
    const first = repo.add(personId, { fromMs: T0 + 24 * HOUR, toMs: T0 + 48 * HOUR, reason: 'a' }, 'cleo', T0)
    const second = repo.add(personId, { fromMs: T0, toMs: T0 + HOUR, reason: 'b' }, 'cleo', T0)
    expect(repo.list(personId).map((a) => a.id)).toEqual([second.id, first.id])
    expect(repo.list(otherId)).toEqual([])
  })

  it('answers for a time before the cached window, as a late reading asks', () => {
    const repo = createAbsenceRepository(db)
    const old = repo.add(personId, { fromMs: T0, toMs: T0 + 2 * HOUR, reason: 'clinic' }, 'cleo', T0)
    expect(repo.activeAt(personId, T0 + 72 * HOUR)).toBeUndefined()
    expect(repo.activeAt(personId, T0 + HOUR)?.id).toBe(old.id)
  })

  it('sees its own writes at once, and another process’s within 30 s (its cache entry lives 15 to 30 s)', () => {
    const repo = createAbsenceRepository(db, { cacheClock })
    const elsewhere = createAbsenceRepository(db, { cacheClock })
    expect(repo.activeAt(personId, T0)).toBeUndefined()
    const here = repo.add(personId, { fromMs: T0, toMs: T0 + HOUR, reason: 'clinic' }, 'cleo', T0)
    expect(repo.activeAt(personId, T0)?.id).toBe(here.id)

    elsewhere.end(personId, here.id, 'sam', T0)
    clockMs = 14_999
    expect(repo.activeAt(personId, T0)?.id).toBe(here.id)
    clockMs = 30_000
    expect(repo.activeAt(personId, T0)).toBeUndefined()
  })
})
