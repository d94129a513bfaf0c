import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { applyFinding } from '../../../alerting/apply-finding.js'
import type { PersonFinding } from '../../../alerting/rules-engine.js'
import type { RuleFinding } from '../../../alerting/rules/rule-finding.js'
import { createAlertRepository } from '../../../stores/alert-repository.js'
import { openDatabase, type SqliteDatabase } from '../../../stores/open-database.js'
import { OPERATIONAL_MIGRATIONS } from '../../../stores/operational-schema.js'
import { createPersonRepository } from '../../../stores/person-repository.js'
import { removeDir, tempDir } from '../../../harness/test-platform.js'

const T0 = Date.parse('2026-11-20T08:00:00Z')
const MINUTE = 60_000
const iso = (ms: number): string => new Date(ms).toISOString()

const spo2Low: RuleFinding = { action: 'fire', kind: 'threshold.spo2', priority: 'urgent', summary: 'SpO2 91% for 5 min (below 92%)' }
const spo2Back: RuleFinding = { action: 'clear', kind: 'threshold.spo2', summary: 'SpO2 back to 95%' }
const offline = (deviceId: string): RuleFinding => ({
  action: 'fire',
  kind: 'device.offline',
  priority: 'technical',
  deviceId,
  perDevice: true,
  summary: `door-sensor ${deviceId} silent for 72 min (expected every 60 min)`,
})
const backOnline = (deviceId: string): RuleFinding => ({ action: 'clear', kind: 'device.offline', deviceId, perDevice: true, selfResolve: true, summary: `door-sensor ${deviceId} back after 3 h` })

describe('applying a rule finding', () => {
  let dir: string
  let db: SqliteDatabase
  let alerts: ReturnType<typeof createAlertRepository>
  let ada: string
  let bob: string

  beforeEach(() => {
    dir = tempDir('hearth-findings-')
    db = openDatabase(join(dir, 'hearth.db'), OPERATIONAL_MIGRATIONS, { synchronous: 'FULL' })
    alerts = createAlertRepository(db)
    const persons = createPersonRepository(db)
    ada = persons.create({ name: 'Ada Lovelace', timeZone: 'Europe/London' }, T0).id
    bob = persons.create({ name: 'Bob Marley', timeZone: 'Europe/London' }, T0).id
  })
  afterEach(() => {
    db.close()
    removeDir(dir)
  })

  /** As the rules runner applies findings: each in a transaction of its own. */
  const apply = (finding: RuleFinding, atMs: number, personId = ada, deviceId = 'wrist-1', version = 3) =>
    alerts.transaction(() => applyFinding(alerts, { personId, deviceId, finding, version } satisfies PersonFinding, atMs))

  describe('a firing rule', () => {
    it('raises an alert with its kind, priority and summary, naming the care settings version it was judged against', () => {
      const effect = apply(spo2Low, T0, ada, 'wrist-1', 7)
      expect(effect).toEqual({ kind: 'raised', alert: alerts.findOpen(ada, 'threshold.spo2') })
      expect(alerts.findOpen(ada, 'threshold.spo2')).toMatchObject({
        personId: ada,
        personName: 'Ada Lovelace',
        deviceId: 'wrist-1',
        kind: 'threshold.spo2',
        priority: 'urgent',
        status: 'raised',
        summary: 'SpO2 91% for 5 min (below 92%)',
        occurrences: 1,
        raisedAt: iso(T0),
        flapping: false,
      })
      if (effect.kind !== 'raised') throw new Error('not raised')
      expect(alerts.history(effect.alert.id)).toEqual([
        { at: iso(T0), action: 'raised', by: null, detail: 'SpO2 91% for 5 min (below 92%) [judged against care settings v7]' },
      ])
    })

    it('folds a repeat into the open alert rather than raising another', () => {
      const first = apply(spo2Low, T0)
      const again = apply({ ...spo2Low, summary: 'SpO2 90% for 5 min (below 92%)' }, T0 + 10 * MINUTE, ada, 'wrist-1', 4)
      expect(again.kind).toBe('changed')
      if (first.kind !== 'raised' || again.kind !== 'changed') throw new Error('unexpected effects')
      expect(again.alert.id).toBe(first.alert.id)
      expect(alerts.list('open', 10)).toEqual([again.alert])
      expect(again.alert).toMatchObject({ occurrences: 2, summary: 'SpO2 90% for 5 min (below 92%)', lastOccurredAt: iso(T0 + 10 * MINUTE), raisedAt: iso(T0) })
      expect(alerts.history(first.alert.id).map((h) => [h.action, h.detail])).toEqual([
        ['raised', 'SpO2 91% for 5 min (below 92%) [judged against care settings v3]'],
        ['repeated', 'SpO2 90% for 5 min (below 92%) [judged against care settings v4]'],
      ])
    })

    it('raises a more serious repeat to its priority', () => {
      apply(spo2Low, T0)
      const worse = apply({ ...spo2Low, priority: 'emergency', summary: 'SpO2 85%' }, T0 + MINUTE)
      expect(worse).toMatchObject({ kind: 'changed', alert: { priority: 'emergency', occurrences: 2 } })
    })

    it('marks an alert flapping when the rule says its condition keeps coming and going', () => {
      apply(spo2Low, T0)
      apply({ ...spo2Low, flapping: true }, T0 + MINUTE)
      expect(alerts.findOpen(ada, 'threshold.spo2')?.flapping).toBe(true)
    })

    it("keeps each person's alerts apart", () => {
      apply(spo2Low, T0, ada)
      const bobs = apply(spo2Low, T0 + MINUTE, bob)
      expect(bobs.kind).toBe('raised')
      expect(alerts.list('open', 10).map((a) => [a.personName, a.occurrences])).toEqual([
        ['Bob Marley', 1],
        ['Ada Lovelace', 1],
      ])
    })

    it('raises one alert per device for device findings, and folds repeats per device', () => {
      apply(offline('door-1'), T0, ada, 'door-1')
      apply(offline('door-2'), T0 + MINUTE, ada, 'door-2')
      apply(offline('door-1'), T0 + 2 * MINUTE, ada, 'door-1')
      expect(alerts.findOpen(ada, 'device.offline:door-1')).toMatchObject({ deviceId: 'door-1', priority: 'technical', occurrences: 2 })
      expect(alerts.findOpen(ada, 'device.offline:door-2')).toMatchObject({ deviceId: 'door-2', occurrences: 1 })
      expect(alerts.list('open', 10)).toHaveLength(2)
    })

    it('raises a new alert once the last one was resolved', () => {
      const first = apply(spo2Low, T0)
      if (first.kind !== 'raised') throw new Error('not raised')
      alerts.update({ ...first.alert, status: 'resolved', resolvedAt: iso(T0 + MINUTE), resolvedBy: 'sue', outcome: 'resolved-by-phone', nextEscalationAt: null })
      const second = apply(spo2Low, T0 + 2 * MINUTE)
      expect(second.kind).toBe('raised')
      if (second.kind !== 'raised') throw new Error('not raised')
      expect(second.alert.id).not.toBe(first.alert.id)
      expect(alerts.get(first.alert.id)?.occurrences).toBe(1)
    })
  })

  describe('a cleared condition', () => {
    it('does nothing when there is no open alert', () => {
      expect(apply(spo2Back, T0)).toEqual({ kind: 'none' })
      expect(apply(backOnline('door-1'), T0, ada, 'door-1')).toEqual({ kind: 'none' })
      expect(alerts.list('all', 10)).toEqual([])
    })

    it('notes the cleared condition on an open clinical alert and leaves it for a person to close', () => {
      const raised = apply(spo2Low, T0)
      if (raised.kind !== 'raised') throw new Error('not raised')
      const cleared = apply(spo2Back, T0 + 20 * MINUTE)
      expect(cleared).toMatchObject({ kind: 'changed', alert: { id: raised.alert.id, status: 'raised', clearedAt: iso(T0 + 20 * MINUTE) } })
      expect(alerts.findOpen(ada, 'threshold.spo2')?.clearedAt).toBe(iso(T0 + 20 * MINUTE))
      expect(alerts.history(raised.alert.id).map((h) => [h.action, h.by, h.detail])).toEqual([
        ['raised', null, 'SpO2 91% for 5 min (below 92%) [judged against care settings v3]'],
        ['condition-cleared', null, 'SpO2 back to 95%'],
      ])
    })

    it('notes a condition cleared only once', () => {
      apply(spo2Low, T0)
      apply(spo2Back, T0 + 20 * MINUTE)
      expect(apply(spo2Back, T0 + 30 * MINUTE)).toEqual({ kind: 'none' })
      expect(alerts.findOpen(ada, 'threshold.spo2')?.clearedAt).toBe(iso(T0 + 20 * MINUTE))
    })

    it('takes back a cleared condition when the rule fires again', () => {
      apply(spo2Low, T0)
      apply(spo2Back, T0 + 20 * MINUTE)
      apply(spo2Low, T0 + 40 * MINUTE)
      expect(alerts.findOpen(ada, 'threshold.spo2')).toMatchObject({ clearedAt: null, occurrences: 2 })
    })

    it('closes a technical alert by itself, with the outcome technical, once its device is back', () => {
      const raised = apply(offline('door-1'), T0, ada, 'door-1')
      if (raised.kind !== 'raised') throw new Error('not raised')
      const closed = apply(backOnline('door-1'), T0 + 3 * 60 * MINUTE, ada, 'door-1')
      expect(closed).toMatchObject({ kind: 'changed', alert: { status: 'resolved', resolvedBy: 'hearth', outcome: 'technical', note: 'door-sensor door-1 back after 3 h' } })
      expect(alerts.findOpen(ada, 'device.offline:door-1')).toBeUndefined()
      expect(alerts.get(raised.alert.id)).toMatchObject({ status: 'resolved', resolvedAt: iso(T0 + 3 * 60 * MINUTE), outcome: 'technical' })
      expect(alerts.history(raised.alert.id).at(-1)).toEqual({ at: iso(T0 + 3 * 60 * MINUTE), action: 'resolved', by: 'hearth', detail: 'technical: door-sensor door-1 back after 3 h' })
    })

    it("closes only that device's technical alert", () => {
      apply(offline('door-1'), T0, ada, 'door-1')
      apply(offline('door-2'), T0, ada, 'door-2')
      apply(backOnline('door-2'), T0 + MINUTE, ada, 'door-2')
      expect(alerts.list('open', 10).map((a) => a.deviceId)).toEqual(['door-1'])
    })

    it('never closes by itself an alert that is not technical, even when asked to', () => {
      apply(spo2Low, T0)
      expect(apply({ ...spo2Back, selfResolve: true }, T0 + MINUTE)).toEqual({ kind: 'none' })
      expect(alerts.findOpen(ada, 'threshold.spo2')).toMatchObject({ status: 'raised', resolvedBy: null })
    })
  })
})
