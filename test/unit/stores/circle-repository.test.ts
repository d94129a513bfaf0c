import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createBreakGlassRepository } from '../../../stores/break-glass-repository.js'
import { createCircleRepository } from '../../../stores/circle-repository.js'
import { openDatabase, type SqliteDatabase } from '../../../stores/open-database.js'
import { OPERATIONAL_MIGRATIONS } from '../../../stores/operational-schema.js'
import { createOrganisationRepository, DEFAULT_ORGANISATION_ID } from '../../../stores/organisation-repository.js'
import { createPersonRepository } from '../../../stores/person-repository.js'
import { createUserRepository } from '../../../stores/user-repository.js'

const T0 = Date.parse('2026-03-01T09:00:00Z')
const DAY = 86_400_000

describe('circle repository', () => {
  let dir: string
  let db: SqliteDatabase
  let ada: string
  let nursing: string
  let daughter: string

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hearth-circle-'))
    db = openDatabase(join(dir, 'hearth.db'), OPERATIONAL_MIGRATIONS, { synchronous: 'NORMAL' })
    ada = createPersonRepository(db).create({ name: 'Ada Lovelace', timeZone: 'Europe/London' }, T0).id
    nursing = createOrganisationRepository(db).create({ name: 'Riverside Community Nursing', kind: 'nhs-health' }, T0).id
    daughter = createUserRepository(db).create({ username: 'anne', displayName: 'Anne', passwordHash: 'x', roles: ['family-carer'], organisationId: DEFAULT_ORGANISATION_ID }, T0).id
  })

  afterEach(() => {
    db.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('keeps each membership with its organisation or individual, scopes, basis and dates', () => {
    const circles = createCircleRepository(db)
    const m = circles.add({ personId: ada, organisationId: nursing, relationship: 'district nursing team', scopes: ['vitals', 'vitals', 'timeline'], basis: 'consent', fromMs: T0 }, 'sue', T0)
    expect(m).toMatchObject({ organisationName: 'Riverside Community Nursing', organisationKind: 'nhs-health', userId: null, scopes: ['vitals', 'timeline'], basis: 'consent', active: true, createdBy: 'sue' })
    const own = circles.add({ personId: ada, userId: daughter, relationship: 'daughter', scopes: ['alerts'], basis: 'proxy-consent', proxy: { name: 'Anne', authority: 'lasting-power-of-attorney' }, fromMs: T0 }, 'sue', T0)
    expect(own).toMatchObject({ organisationId: null, userDisplayName: 'Anne', proxy: { name: 'Anne', authority: 'lasting-power-of-attorney' } })
    expect(circles.listForPerson(ada, T0).map((x) => x.relationship)).toEqual(['district nursing team', 'daughter'])
  })

  it('reaches a user through their organisation or in their own right, only while in force', () => {
    const circles = createCircleRepository(db)
    circles.add({ personId: ada, organisationId: nursing, relationship: 'nurses', scopes: ['vitals'], basis: 'consent', fromMs: T0 + DAY, toMs: T0 + 3 * DAY }, 'sue', T0)
    expect(circles.activeReaching(nursing, 'u-other', T0)).toEqual([])
    expect(circles.activeReaching(nursing, 'u-other', T0 + DAY).map((m) => m.personId)).toEqual([ada])
    expect(circles.activeReaching('o-elsewhere', 'u-other', T0 + DAY)).toEqual([])
    expect(circles.activeReaching(null, 'u-other', T0 + DAY)).toEqual([])
    expect(circles.activeReaching(nursing, 'u-other', T0 + 3 * DAY)).toEqual([])
  })

  it('ends a membership once, keeping who ended it and why', () => {
    const circles = createCircleRepository(db)
    const m = circles.add({ personId: ada, userId: daughter, relationship: 'daughter', scopes: ['alerts'], basis: 'consent', fromMs: T0 }, 'sue', T0)
    const ended = circles.end(m.id, 'ada', 'consent withdrawn', T0 + 1000)
    expect(ended).toMatchObject({ active: false, endedBy: 'ada', endReason: 'consent withdrawn', endedAt: new Date(T0 + 1000).toISOString() })
    expect(circles.activeReaching(null, daughter, T0 + 2000)).toEqual([])
    expect(() => circles.end(m.id, 'sue', 'again', T0 + 2000)).toThrow(/already ended/)
    expect(() => circles.end('m-none', 'sue', 'no such', T0)).toThrow(/no membership/)
  })

  it('refuses a membership that names both an organisation and a user, or neither', () => {
    const circles = createCircleRepository(db)
    expect(() => circles.add({ personId: ada, organisationId: nursing, userId: daughter, relationship: 'x', scopes: ['alerts'], basis: 'consent', fromMs: T0 }, 'sue', T0)).toThrow(/CHECK/)
    expect(() => circles.add({ personId: ada, relationship: 'x', scopes: ['alerts'], basis: 'consent', fromMs: T0 }, 'sue', T0)).toThrow(/CHECK/)
  })

  it('keeps emergency access until it expires', () => {
    const grants = createBreakGlassRepository(db)
    const g = grants.open({ personId: ada, userId: daughter, reason: 'no answer from the pendant', durationMs: 3_600_000 }, T0)
    expect(grants.activeForPerson(ada, T0 + 3_599_999).map((x) => x.id)).toEqual([g.id])
    expect(grants.activeForPerson(ada, T0 + 3_600_000)).toEqual([])
    expect(grants.activeOfUser(daughter, T0).map((x) => x.personId)).toEqual([ada])
    expect(grants.since(T0).map((x) => x.reason)).toEqual(['no answer from the pendant'])
  })
})
