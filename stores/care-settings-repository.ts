import {
  CareSettingsSchema,
  DEFAULT_CARE_SETTINGS,
  HearthError,
  NUMERIC_METRICS,
  thresholdsInForce,
  type CareSettings,
  type CareSettingsChange,
  type CareSettingsVersion,
  type Clock,
  type Threshold,
  type ThresholdInForce,
} from '../contract/index.js'
import { createExpiringCache } from './expiring-cache.js'
import type { SqliteDatabase } from './open-database.js'

/** One version of a person's care settings as the rules use it (alerting's `CarePlan`). */
export interface CarePlanRecord {
  personId: string
  version: number
  settings: CareSettings
  thresholds: ThresholdInForce[]
  /** Whether a clinician has set active hours in some version: then they win over the person's own routine. */
  activeHoursSet: boolean
}

interface VersionRow {
  person_id: string
  version: number
  thresholds: string
  settings: string
  changed_by: string
  changed_at: number
  reason: string
  changes: string
}

/** A version's content: the person's own threshold rules and the full settings. */
interface Content {
  version: number
  own: Threshold[]
  settings: CareSettings
  activeHoursSet: boolean
}

interface Audit {
  reason: string
  by: string
  nowMs: number
}

export interface CareSettingsRepositoryOptions {
  /** How long another process's change may go unseen (the rules read this on every reading). */
  cacheTtlMs?: number
  cacheClock?: Clock
}

const SETTING_KEYS = Object.keys(CareSettingsSchema.shape) as Array<keyof CareSettings>

/** Key order must not make equal values look changed. */
function stableJson(value: unknown): string {
  return JSON.stringify(value ?? null, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v,
  )
}

function thresholdChanges(before: readonly Threshold[], after: readonly Threshold[]): CareSettingsChange[] {
  return NUMERIC_METRICS.flatMap((metric) => {
    const old = before.find((t) => t.metric === metric) ?? null
    const next = after.find((t) => t.metric === metric) ?? null
    return stableJson(old) === stableJson(next) ? [] : [{ field: `thresholds.${metric}`, old, new: next }]
  })
}

function settingChanges(before: CareSettings, after: CareSettings): CareSettingsChange[] {
  return SETTING_KEYS.filter((key) => stableJson(before[key]) !== stableJson(after[key])).map((key) => ({
    field: `settings.${key}`,
    old: before[key],
    new: after[key],
  }))
}

function toVersion(row: VersionRow): CareSettingsVersion {
  return {
    personId: row.person_id,
    version: row.version,
    changedAt: new Date(row.changed_at).toISOString(),
    changedBy: row.changed_by,
    reason: row.reason,
    changes: JSON.parse(row.changes) as CareSettingsChange[],
  }
}

const planOf = (personId: string, content: Content): CarePlanRecord => ({
  personId,
  version: content.version,
  settings: content.settings,
  thresholds: thresholdsInForce(content.own, content.settings.news2Scale),
  activeHoursSet: content.activeHoursSet,
})

/** Care settings, versioned: every change is a new row with who, when, why and what changed. */
export function createCareSettingsRepository(db: SqliteDatabase, options: CareSettingsRepositoryOptions = {}) {
  const newest = db.prepare<[string], VersionRow>('SELECT * FROM care_settings_versions WHERE person_id = ? ORDER BY version DESC LIMIT 1')
  const recent = db.prepare<[string, number], VersionRow>('SELECT * FROM care_settings_versions WHERE person_id = ? ORDER BY version DESC LIMIT ?')
  const timeZoneOf = db.prepare<[string], { time_zone: string }>('SELECT time_zone FROM persons WHERE id = ?')
  const activeHoursChanged = db.prepare<[string], { set: number }>(
    `SELECT EXISTS (SELECT 1 FROM care_settings_versions v, json_each(v.changes) c
      WHERE v.person_id = ? AND json_extract(c.value, '$.field') = 'settings.activeHours') AS "set"`,
  )
  const insert = db.prepare(
    'INSERT INTO care_settings_versions (person_id, version, thresholds, settings, changed_by, changed_at, reason, changes) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  )
  const setTimeZone = db.prepare('UPDATE persons SET time_zone = ? WHERE id = ?')
  const cache = createExpiringCache<string, CarePlanRecord>(options.cacheTtlMs ?? 30_000, options.cacheClock)

  /** Version 0 is implicit: the defaults in the person's own time zone, no rules of their own. */
  function load(personId: string): Content | undefined {
    const row = newest.get(personId)
    if (row) {
      const activeHoursSet = activeHoursChanged.get(personId)?.set === 1
      return { version: row.version, own: JSON.parse(row.thresholds) as Threshold[], settings: JSON.parse(row.settings) as CareSettings, activeHoursSet }
    }
    const person = timeZoneOf.get(personId)
    // Object.assign rather than a spread with timeZone added: V8 would give each person's settings a hidden class of their own.
    return person ? { version: 0, own: [], settings: Object.assign({}, DEFAULT_CARE_SETTINGS, { timeZone: person.time_zone }), activeHoursSet: false } : undefined
  }

  const write = db.transaction((personId: string, next: (previous: Content) => Pick<Content, 'own' | 'settings'>, audit: Audit) => {
    const previous = load(personId)
    if (!previous) throw new HearthError('not_found', `no person ${personId}`)
    const { own, settings } = next(previous)
    const changes = [...thresholdChanges(previous.own, own), ...settingChanges(previous.settings, settings)]
    if (changes.length === 0) return { plan: planOf(personId, previous), changes }
    const version = previous.version + 1
    insert.run(personId, version, JSON.stringify(own), JSON.stringify(settings), audit.by, audit.nowMs, audit.reason, JSON.stringify(changes))
    // The person record and the rules must agree on local time (night, active hours).
    if (settings.timeZone !== previous.settings.timeZone) setTimeZone.run(settings.timeZone, personId)
    const activeHoursSet = previous.activeHoursSet || changes.some((c) => c.field === 'settings.activeHours')
    return { plan: planOf(personId, { version, own, settings, activeHoursSet }), changes }
  })

  /** IMMEDIATE takes the write lock before reading, so two processes never claim the same version. */
  function commit(personId: string, next: (previous: Content) => Pick<Content, 'own' | 'settings'>, audit: Audit) {
    try {
      return write.immediate(personId, next, audit)
    } finally {
      cache.delete(personId)
    }
  }

  return {
    /** The version in force; undefined for an unknown person. Treat the result as read-only: it is shared. */
    current(personId: string): CarePlanRecord | undefined {
      const cached = cache.get(personId)
      if (cached) return cached
      const content = load(personId)
      if (!content) return undefined
      const plan = planOf(personId, content)
      cache.set(personId, plan)
      return plan
    },

    /** Replaces the person's own rules. The same rules again write no version (PUT is idempotent). */
    replaceThresholds(personId: string, thresholds: readonly Threshold[], reason: string, by: string, nowMs: number): CarePlanRecord {
      const own = [...thresholds].sort((a, b) => NUMERIC_METRICS.indexOf(a.metric) - NUMERIC_METRICS.indexOf(b.metric))
      return commit(personId, (previous) => ({ own, settings: previous.settings }), { reason, by, nowMs }).plan
    },

    /** Merges the settings given; a patch that changes nothing is refused, so no empty version is recorded. */
    patchSettings(personId: string, patch: Partial<CareSettings>, reason: string, by: string, nowMs: number): CarePlanRecord {
      const merge = (previous: Content) => ({
        own: previous.own,
        settings: Object.fromEntries(SETTING_KEYS.map((key) => [key, patch[key] ?? previous.settings[key]])) as CareSettings,
      })
      const { plan, changes } = commit(personId, merge, { reason, by, nowMs })
      if (changes.length === 0) {
        const message = 'nothing changed: every setting given already has that value'
        throw new HearthError('validation_failed', `invalid settings: ${message}`, { problems: [{ field: '(root)', message }] })
      }
      return plan
    },

    /** Versions newest first; version 0 (the defaults) has no row. */
    history(personId: string, limit: number): CareSettingsVersion[] {
      return recent.all(personId, limit).map(toVersion)
    },
  }
}
