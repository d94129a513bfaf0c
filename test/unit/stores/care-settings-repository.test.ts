import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Threshold } from '../../../contract/index.js'
import { createCareSettingsRepository } from '../../../stores/care-settings-repository.js'
import { openDatabase, type SqliteDatabase } from '../../../stores/open-database.js'
import { OPERATIONAL_MIGRATIONS } from '../../../stores/operational-schema.js'
import { createPersonRepository } from '../../../stores/person-repository.js'

const T0 = Date.parse('2026-03-01T09:00:00Z')
const fastHeart: Threshold = { metric: 'heart_rate', above: 120, forSeconds: 60, priority: 'urgent' }

describe('care settings repository', () => {
  let dir: string
  let db: SqliteDatabase
  let personId: string
  let clockMs: number
  const cacheClock = { now: () => clockMs }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hearth-care-'))
    db = openDatabase(join(dir, 'hearth.db'), OPERATIONAL_MIGRATIONS, { synchronous: 'NORMAL' })
    personId = createPersonRepository(db).create({ name: 'Ada Lovelace', timeZone: 'Europe/Paris' }, T0).id
    clockMs = 0
  })

  afterEach(() => {
    db.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('gives version 0 with the defaults in the person’s own time zone, and nothing for an unknown person', () => {
    const repo = createCareSettingsRepository(db)
    const plan = repo.current(personId)
    expect(plan).toMatchObject({ personId, version: 0, settings: { news2Scale: 1, timeZone: 'Europe/Paris', activeHours: { from: '07:00', to: '22:00' } } })
    expect(plan?.thresholds.map((t) => [t.metric, t.source])).toEqual([
      ['heart_rate', 'default'],
      ['respiratory_rate', 'default'],
      ['spo2', 'default'],
      ['body_temperature', 'default'],
      ['systolic_bp', 'default'],
    ])
    expect(repo.current('p-nobody')).toBeUndefined()
    expect(repo.history(personId, 10)).toEqual([])
  })

  it('numbers versions one by one and records each rule that changed, old and new', () => {
    const repo = createCareSettingsRepository(db)
    const v1 = repo.replaceThresholds(personId, [fastHeart], 'post-operative', 'cleo', T0 + 1000)
    expect(v1.version).toBe(1)
    expect(v1.thresholds.find((t) => t.metric === 'heart_rate')).toMatchObject({ above: 120, source: 'person' })
    expect(v1.thresholds.find((t) => t.metric === 'spo2')).toMatchObject({ below: 92, source: 'default' })

    const calmer: Threshold = { ...fastHeart, above: 125 }
    const fever: Threshold = { metric: 'body_temperature', above: 38, forSeconds: 0, priority: 'warning' }
    expect(repo.replaceThresholds(personId, [fever, calmer], 'recovering', 'cleo', T0 + 2000).version).toBe(2)
    expect(repo.replaceThresholds(personId, [calmer], 'fever over', 'drew', T0 + 3000).version).toBe(3)

    const [v3, v2, first] = repo.history(personId, 10)
    expect(first).toEqual({
      personId,
      version: 1,
      changedAt: new Date(T0 + 1000).toISOString(),
      changedBy: 'cleo',
      reason: 'post-operative',
      changes: [{ field: 'thresholds.heart_rate', old: null, new: fastHeart }],
    })
    expect(v2?.changes).toEqual([
      { field: 'thresholds.heart_rate', old: fastHeart, new: calmer },
      { field: 'thresholds.body_temperature', old: null, new: fever },
    ])
    expect(v3).toMatchObject({ version: 3, changedBy: 'drew', changes: [{ field: 'thresholds.body_temperature', old: fever, new: null }] })
    expect(repo.history(personId, 1).map((v) => v.version)).toEqual([3])
  })

  it('writes no version when the same rules are put again, whatever their key order', () => {
    const repo = createCareSettingsRepository(db)
    repo.replaceThresholds(personId, [fastHeart], 'first', 'cleo', T0)
    const reordered = { priority: 'urgent', forSeconds: 60, above: 120, metric: 'heart_rate' } as Threshold
    expect(repo.replaceThresholds(personId, [reordered], 'again', 'cleo', T0 + 1).version).toBe(1)
    expect(repo.history(personId, 10)).toHaveLength(1)
  })

  it('merges settings, keeps the time zone of the person record in step, and refuses a patch that changes nothing', () => {
    const repo = createCareSettingsRepository(db)
    const plan = repo.patchSettings(personId, { news2Scale: 2, timeZone: 'Europe/London' }, 'COPD', 'cleo', T0)
    expect(plan.version).toBe(1)
    expect(plan.settings).toMatchObject({ news2Scale: 2, timeZone: 'Europe/London', bedExitMinutes: 45 })
    expect(plan.thresholds.find((t) => t.metric === 'spo2')).toMatchObject({ below: 84, source: 'default' })
    expect(createPersonRepository(db).get(personId)?.timeZone).toBe('Europe/London')
    expect(repo.history(personId, 1)[0]?.changes).toEqual([
      { field: 'settings.news2Scale', old: 1, new: 2 },
      { field: 'settings.timeZone', old: 'Europe/Paris', new: 'Europe/London' },
    ])
    expect(() => repo.patchSettings(personId, { news2Scale: 2 }, 'again', 'cleo', T0 + 1)).toThrow(
      expect.objectContaining({ code: 'validation_failed', problems: [{ field: '(root)', message: expect.stringContaining('nothing changed') }] }),
    )
    expect(repo.current(personId)?.version).toBe(1)
  })

  it('refuses a change for an unknown person', () => {
    const repo = createCareSettingsRepository(db)
    expect(() => repo.replaceThresholds('p-nobody', [fastHeart], 'why', 'cleo', T0)).toThrow(expect.objectContaining({ code: 'not_found' }))
  })

  it('sees its own writes at once, and another process’s within 30 s (its cache entry lives 15 to 30 s)', () => {
    const repo = createCareSettingsRepository(db, { cacheClock })
    const elsewhere = createCareSettingsRepository(db, { cacheClock })
    expect(repo.current(personId)?.version).toBe(0)
    expect(repo.current(personId)).toBe(repo.current(personId))

    repo.replaceThresholds(personId, [fastHeart], 'here', 'cleo', T0)
    expect(repo.current(personId)?.version).toBe(1)

    elsewhere.patchSettings(personId, { inactivityHours: 4 }, 'there', 'cleo', T0)
    clockMs = 14_999
    expect(repo.current(personId)?.version).toBe(1)
    clockMs = 30_000
    expect(repo.current(personId)).toMatchObject({ version: 2, settings: { inactivityHours: 4 } })
  })

  it('knows once a clinician has set active hours, in every later version and after a restart', () => {
    const repo = createCareSettingsRepository(db)
    expect(repo.current(personId)?.activeHoursSet).toBe(false)
    repo.patchSettings(personId, { inactivityHours: 4 }, 'sleeps in', 'cleo', T0)
    expect(repo.current(personId)?.activeHoursSet).toBe(false)
    repo.patchSettings(personId, { activeHours: { from: '07:00', to: '21:00' } }, 'early nights', 'cleo', T0)
    repo.replaceThresholds(personId, [fastHeart], 'beta blockers', 'cleo', T0)
    expect(repo.current(personId)).toMatchObject({ version: 3, activeHoursSet: true })
    expect(createCareSettingsRepository(db).current(personId)?.activeHoursSet).toBe(true)
  })
})
