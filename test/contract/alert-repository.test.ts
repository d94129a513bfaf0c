import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import * as lifecycle from '../../alerting/alert-lifecycle.js'
import type { AlertStore } from '../../alerting/ports.js'
import type { Alert, AlertHistoryEntry } from '../../contract/index.js'
import type { AlertQueries } from '../../dashboard/ports.js'
import { createAlertRepository } from '../../stores/alert-repository.js'
import { openDatabase, type SqliteDatabase } from '../../stores/open-database.js'
import { OPERATIONAL_MIGRATIONS } from '../../stores/operational-schema.js'
import { createPersonRepository } from '../../stores/person-repository.js'
import { removeDir, tempDir } from '../../harness/test-platform.js'

/** What alerting writes and the dashboard reads: one store, whatever keeps it. */
type AlertRepositoryPort = AlertStore & AlertQueries

interface AlertRepositoryFixture {
  /** A handle on the store; each call is another connection to the same data, as a second process would have. */
  open(): AlertRepositoryPort
  /** A person alerts may be raised for. */
  addPerson(name: string): string
  teardown(): void
}

const T0 = Date.parse('2026-11-20T08:00:00Z')
const SECOND = 1000
const MINUTE = 60 * SECOND
const iso = (ms: number): string => new Date(ms).toISOString()

function trigger(personId: string, atMs: number, change: Partial<lifecycle.Trigger> = {}): lifecycle.Trigger {
  return { personId, deviceId: 'pendant-1', kind: 'alarm.pressed', priority: 'emergency', atMs, summary: 'Alarm pressed', ...change }
}

function applied(transition: lifecycle.Transition): { alert: Alert; entry: AlertHistoryEntry } {
  if (!transition.ok) throw new Error(transition.reason)
  return transition
}

/** One suite, run against every implementation of the alert repository port. */
function alertRepositoryContract(name: string, setup: () => AlertRepositoryFixture): void {
  describe(`alert repository contract: ${name}`, () => {
    let fixture: AlertRepositoryFixture
    let store: AlertRepositoryPort
    let ada: string
    let bob: string

    beforeEach(() => {
      fixture = setup()
      store = fixture.open()
      ada = fixture.addPerson('Ada Lovelace')
      bob = fixture.addPerson('Bob Marley')
    })
    afterEach(() => fixture.teardown())

    /** Raises an alert as alerting does: the alert and its first history entry. */
    const raise = (t: lifecycle.Trigger, on: AlertRepositoryPort = store): Alert => {
      const fresh = lifecycle.raise(t)
      const alert = on.insert(fresh.alert)
      on.addHistory(alert.id, fresh.entry)
      return alert
    }
    /** A change made as alerting makes it: read, decide and write in one transaction. */
    const change = (on: AlertRepositoryPort, alertId: string, decide: (alert: Alert) => lifecycle.Transition, between?: () => void): Alert =>
      on.transaction(() => {
        const current = on.get(alertId)
        if (!current) throw new Error(`no alert ${alertId}`)
        between?.()
        const { alert, entry } = applied(decide(current))
        on.update(alert)
        on.addHistory(alert.id, entry)
        return alert
      })

    describe('insert and get', () => {
      it('gives a new alert an id and the name of its person, and reads back every field as written', () => {
        const { foldKey: _foldKey, ...written } = {
          ...lifecycle.raise(trigger(ada, T0, { foldKey: 'alarm.pressed' })).alert,
          summary: 'Alarm pressed in the kitchen',
          cancelledAt: iso(T0 + 5 * SECOND),
          clearedAt: iso(T0 + 6 * SECOND),
          flapping: true,
          occurrences: 3,
          escalationLevel: 2,
          reraisedCount: 1,
          lastOccurredAt: iso(T0 + 7 * SECOND),
          nextEscalationAt: iso(T0 + 90 * SECOND + 123),
        }
        const alert = store.insert({ ...written, foldKey: 'alarm.pressed' })
        expect(alert).toEqual({ ...written, id: alert.id, personName: 'Ada Lovelace' })
        expect(alert.id).toEqual(expect.any(String))
        expect(store.get(alert.id)).toEqual(alert)
      })

      it('gives every alert its own id', () => {
        const ids = [raise(trigger(ada, T0)), raise(trigger(bob, T0)), raise(trigger(ada, T0, { kind: 'fall.detected' }))].map((a) => a.id)
        expect(new Set(ids).size).toBe(3)
      })

      it('answers undefined for an id it never gave', () => {
        const alert = raise(trigger(ada, T0))
        expect(store.get(`${alert.id}0`)).toBeUndefined()
        expect(store.get('a-999999')).toBeUndefined()
        expect(store.get('not-an-alert')).toBeUndefined()
        expect(store.get('')).toBeUndefined()
      })

      it('refuses a second open alert for the same person and fold key, and keeps the first', () => {
        const first = raise(trigger(ada, T0))
        expect(() => store.insert(lifecycle.raise(trigger(ada, T0 + MINUTE)).alert)).toThrow()
        expect(store.list('all', 10)).toEqual([first])
      })

      it('takes a new alert under a fold key once the open one is resolved', () => {
        const first = raise(trigger(ada, T0))
        change(store, first.id, (a) => lifecycle.resolve(a, 'sue', 'false-alarm', undefined, T0 + MINUTE))
        const second = raise(trigger(ada, T0 + 2 * MINUTE))
        expect(second.id).not.toBe(first.id)
        expect(store.findOpen(ada, 'alarm.pressed')?.id).toBe(second.id)
      })
    })

    describe('findOpen', () => {
      it("finds the person's open alert under its fold key, acknowledged or not, and nobody else's", () => {
        const pressed = raise(trigger(ada, T0))
        const offline = raise(trigger(ada, T0, { kind: 'device.offline', priority: 'technical', foldKey: 'device.offline:door-1', deviceId: 'door-1' }))
        raise(trigger(bob, T0, { kind: 'fall.detected' }))
        expect(store.findOpen(ada, 'alarm.pressed')).toEqual(pressed)
        expect(store.findOpen(ada, 'device.offline:door-1')).toEqual(offline)
        expect(store.findOpen(ada, 'device.offline')).toBeUndefined()
        expect(store.findOpen(ada, 'device.offline:door-2')).toBeUndefined()
        expect(store.findOpen(ada, 'fall.detected')).toBeUndefined()
        expect(store.findOpen(bob, 'alarm.pressed')).toBeUndefined()
        expect(store.findOpen('p-nobody', 'alarm.pressed')).toBeUndefined()

        const taken = change(store, pressed.id, (a) => lifecycle.acknowledge(a, 'sue', T0 + MINUTE))
        expect(store.findOpen(ada, 'alarm.pressed')).toEqual(taken)
      })

      it('no longer finds a resolved alert', () => {
        const pressed = raise(trigger(ada, T0))
        change(store, pressed.id, (a) => lifecycle.resolve(a, 'sue', 'resolved-by-phone', 'fine', T0 + MINUTE))
        expect(store.findOpen(ada, 'alarm.pressed')).toBeUndefined()
      })
    })

    describe('update', () => {
      it('keeps every field of the changed alert', () => {
        const raised = raise(trigger(ada, T0))
        const acknowledged = change(store, raised.id, (a) => lifecycle.acknowledge(a, 'sue', T0 + 20 * SECOND))
        expect(store.get(raised.id)).toEqual(acknowledged)
        const folded = change(store, raised.id, (a) => lifecycle.fold(a, trigger(ada, T0 + 40 * SECOND, { summary: 'Pressed again', flapping: true })))
        expect(store.get(raised.id)).toEqual(folded)
        expect(folded).toMatchObject({ occurrences: 2, summary: 'Pressed again', flapping: true, acknowledgedBy: 'sue' })
        const resolved = change(store, raised.id, (a) => lifecycle.resolve(a, 'sue', 'responder-visited', 'on the floor, unhurt', T0 + 10 * MINUTE))
        expect(store.get(raised.id)).toEqual(resolved)
        expect(resolved).toMatchObject({ status: 'resolved', outcome: 'responder-visited', note: 'on the floor, unhurt', nextEscalationAt: null })
      })

      it('changes only the alert it names', () => {
        const mine = raise(trigger(ada, T0))
        const theirs = raise(trigger(bob, T0))
        change(store, mine.id, (a) => lifecycle.acknowledge(a, 'sue', T0 + MINUTE))
        expect(store.get(theirs.id)).toEqual(theirs)
      })

      it('creates nothing for an alert it does not hold', () => {
        const alert = raise(trigger(ada, T0))
        const { alert: acknowledged } = applied(lifecycle.acknowledge(alert, 'sue', T0 + MINUTE))
        store.update({ ...acknowledged, id: 'a-999999' })
        expect(store.list('all', 10)).toEqual([alert])
      })
    })

    describe('history', () => {
      it('keeps what happened to an alert in time order, same-time entries in the order written', () => {
        const alert = raise(trigger(ada, T0))
        store.addHistory(alert.id, { at: iso(T0 + 2 * MINUTE), action: 'note', by: 'sue', detail: 'second' })
        store.addHistory(alert.id, { at: iso(T0 + MINUTE), action: 'note', by: 'sue', detail: 'first' })
        store.addHistory(alert.id, { at: iso(T0 + 2 * MINUTE), action: 'note', by: 'bob', detail: 'third' })
        expect(store.history(alert.id)).toEqual([
          { at: iso(T0), action: 'raised', by: null, detail: 'Alarm pressed' },
          { at: iso(T0 + MINUTE), action: 'note', by: 'sue', detail: 'first' },
          { at: iso(T0 + 2 * MINUTE), action: 'note', by: 'sue', detail: 'second' },
          { at: iso(T0 + 2 * MINUTE), action: 'note', by: 'bob', detail: 'third' },
        ])
      })

      it("keeps each alert's history apart and has none for an unknown alert", () => {
        const mine = raise(trigger(ada, T0))
        const theirs = raise(trigger(bob, T0 + SECOND, { summary: 'Their alarm' }))
        expect(store.history(mine.id).map((h) => h.detail)).toEqual(['Alarm pressed'])
        expect(store.history(theirs.id).map((h) => h.detail)).toEqual(['Their alarm'])
        expect(store.history('a-999999')).toEqual([])
        expect(store.history('not-an-alert')).toEqual([])
      })

      it("lists a person's alert history newest first across their alerts, up to the limit", () => {
        const pressed = raise(trigger(ada, T0))
        const fall = raise(trigger(ada, T0 + MINUTE, { kind: 'fall.detected', deviceId: 'wrist-1', summary: 'Fall detected' }))
        raise(trigger(bob, T0 + 2 * MINUTE))
        change(store, pressed.id, (a) => lifecycle.acknowledge(a, 'sue', T0 + 3 * MINUTE))
        expect(store.historyForPerson(ada, 10)).toEqual([
          { alertId: pressed.id, kind: 'alarm.pressed', summary: 'Alarm pressed', deviceId: 'pendant-1', at: iso(T0 + 3 * MINUTE), action: 'acknowledged', by: 'sue', detail: null },
          { alertId: fall.id, kind: 'fall.detected', summary: 'Fall detected', deviceId: 'wrist-1', at: iso(T0 + MINUTE), action: 'raised', by: null, detail: 'Fall detected' },
          { alertId: pressed.id, kind: 'alarm.pressed', summary: 'Alarm pressed', deviceId: 'pendant-1', at: iso(T0), action: 'raised', by: null, detail: 'Alarm pressed' },
        ])
        expect(store.historyForPerson(ada, 2).map((h) => h.at)).toEqual([iso(T0 + 3 * MINUTE), iso(T0 + MINUTE)])
        expect(store.historyForPerson('p-nobody', 10)).toEqual([])
      })
    })

    describe('lists', () => {
      it('lists open alerts (raised or acknowledged) newest first, up to the limit', () => {
        const first = raise(trigger(ada, T0))
        const second = raise(trigger(bob, T0 + MINUTE))
        const third = raise(trigger(ada, T0 + 2 * MINUTE, { kind: 'fall.detected' }))
        const taken = change(store, second.id, (a) => lifecycle.acknowledge(a, 'sue', T0 + 3 * MINUTE))
        const closed = change(store, first.id, (a) => lifecycle.resolve(a, 'sue', 'false-alarm', undefined, T0 + 4 * MINUTE))
        expect(store.list('open', 10)).toEqual([third, taken])
        expect(store.list('open', 1)).toEqual([third])
        expect(store.list('resolved', 10)).toEqual([closed])
        expect(store.list('all', 10)).toEqual([third, taken, closed])
        expect(store.list('all', 2)).toEqual([third, taken])
      })

      it("lists one person's alerts, or those of some people, newest first", () => {
        const cleo = fixture.addPerson('Cleo Laine')
        const a1 = raise(trigger(ada, T0))
        const b1 = raise(trigger(bob, T0 + MINUTE))
        const c1 = raise(trigger(cleo, T0 + 2 * MINUTE))
        const a2 = change(store, raise(trigger(ada, T0 + 3 * MINUTE, { kind: 'fall.detected' })).id, (a) =>
          lifecycle.resolve(a, 'sue', 'false-alarm', undefined, T0 + 4 * MINUTE),
        )
        expect(store.listForPerson(ada, 10)).toEqual([a2, a1])
        expect(store.listForPerson(ada, 1)).toEqual([a2])
        expect(store.listForPerson('p-nobody', 10)).toEqual([])
        expect(store.listForPersons('all', [ada, cleo], 10)).toEqual([a2, c1, a1])
        expect(store.listForPersons('open', [ada, cleo], 10)).toEqual([c1, a1])
        expect(store.listForPersons('resolved', [ada, cleo], 10)).toEqual([a2])
        expect(store.listForPersons('open', new Set([bob]), 10)).toEqual([b1])
        expect(store.listForPersons('all', [], 10)).toEqual([])
        expect(store.listForPersons('all', [ada, bob, cleo], 2)).toEqual([a2, c1])
      })
    })

    describe('due', () => {
      it('lists open alerts whose deadline has come, the oldest deadline first, up to the limit', () => {
        const late = raise(trigger(ada, T0, { priority: 'emergency' })) // deadline T0 + 60 s
        const later = raise(trigger(bob, T0 - 5 * MINUTE, { priority: 'urgent' })) // deadline T0 - 2 min
        raise(trigger(ada, T0, { kind: 'medication.missed', priority: 'warning' })) // deadline T0 + 15 min
        expect(store.due(T0 + 60 * SECOND - 1, 10)).toEqual([later])
        expect(store.due(T0 + 60 * SECOND, 10)).toEqual([later, late])
        expect(store.due(T0 + 60 * SECOND, 1)).toEqual([later])
        expect(store.due(T0 - 3 * MINUTE, 10)).toEqual([])
      })

      it('counts an acknowledged alert as due at its resolve deadline, and never a resolved one', () => {
        const taken = change(store, raise(trigger(ada, T0)).id, (a) => lifecycle.acknowledge(a, 'sue', T0 + 10 * SECOND))
        const closed = raise(trigger(bob, T0))
        change(store, closed.id, (a) => lifecycle.resolve(a, 'sue', 'false-alarm', undefined, T0 + 10 * SECOND))
        expect(store.due(T0 + 2 * MINUTE, 10)).toEqual([])
        const resolveBy = Date.parse(taken.nextEscalationAt ?? '')
        expect(store.due(resolveBy, 10)).toEqual([taken])
        expect(store.due(resolveBy + 365 * 24 * 60 * MINUTE, 10).map((a) => a.id)).toEqual([taken.id])
      })
    })

    describe('answers', () => {
      it('tells when and by whom a person first took each alarm raised in the window, by kind', () => {
        const from = T0
        const to = T0 + 60 * MINUTE
        const taken = raise(trigger(ada, T0 + MINUTE))
        change(store, taken.id, (a) => lifecycle.onDeadline(a, T0 + 2 * MINUTE))
        change(store, taken.id, (a) => lifecycle.acknowledge(a, 'sue', T0 + 3 * MINUTE))
        change(store, taken.id, (a) => lifecycle.resolve(a, 'bob', 'false-alarm', undefined, T0 + 4 * MINUTE))
        const resolvedAtOnce = raise(trigger(bob, T0 + 5 * MINUTE, { kind: 'fall.detected' }))
        change(store, resolvedAtOnce.id, (a) => lifecycle.resolve(a, 'tom', 'resolved-by-phone', undefined, T0 + 9 * MINUTE))
        const waiting = raise(trigger(ada, T0 + 10 * MINUTE, { kind: 'fall.detected' }))
        raise(trigger(bob, T0 - 1, { kind: 'smoke.detected' })) // before the window
        raise(trigger(ada, to, { kind: 'smoke.detected' })) // at its end: outside
        raise(trigger(ada, T0 + 11 * MINUTE, { kind: 'device.offline', priority: 'technical' })) // another kind
        expect(store.answers(from, to, ['alarm.pressed', 'fall.detected', 'smoke.detected'])).toEqual([
          { alertId: taken.id, personId: ada, personName: 'Ada Lovelace', kind: 'alarm.pressed', raisedAtMs: T0 + MINUTE, answeredAtMs: T0 + 3 * MINUTE, answeredBy: 'sue' },
          { alertId: resolvedAtOnce.id, personId: bob, personName: 'Bob Marley', kind: 'fall.detected', raisedAtMs: T0 + 5 * MINUTE, answeredAtMs: T0 + 9 * MINUTE, answeredBy: 'tom' },
          { alertId: waiting.id, personId: ada, personName: 'Ada Lovelace', kind: 'fall.detected', raisedAtMs: T0 + 10 * MINUTE, answeredAtMs: null, answeredBy: null },
        ])
        expect(store.answers(from, to, [])).toEqual([])
      })

      it('does not count Hearth closing an alert by itself as anyone answering it', () => {
        const offline = raise(trigger(ada, T0, { kind: 'device.offline', priority: 'technical' }))
        change(store, offline.id, (a) => lifecycle.resolveBySystem(a, T0 + MINUTE, 'device back'))
        expect(store.answers(T0, T0 + MINUTE, ['device.offline'])).toEqual([
          expect.objectContaining({ alertId: offline.id, answeredAtMs: null, answeredBy: null }),
        ])
      })
    })

    describe('transactions', () => {
      it("returns the work's result and keeps what it wrote", () => {
        const id = store.transaction(() => raise(trigger(ada, T0)).id)
        expect(store.get(id)?.status).toBe('raised')
        expect(store.history(id)).toHaveLength(1)
      })

      it('keeps nothing of work that threw', () => {
        const before = raise(trigger(bob, T0))
        expect(() =>
          store.transaction(() => {
            raise(trigger(ada, T0))
            change(store, before.id, (a) => lifecycle.acknowledge(a, 'sue', T0 + MINUTE))
            throw new Error('the command could not be queued')
          }),
        ).toThrow('the command could not be queued')
        expect(store.list('all', 10)).toEqual([before])
        expect(store.history(before.id).map((h) => h.action)).toEqual(['raised'])
        expect(store.findOpen(ada, 'alarm.pressed')).toBeUndefined()
      })

      it('shows a change committed on one connection to every other', () => {
        const other = fixture.open()
        const alert = raise(trigger(ada, T0))
        expect(other.get(alert.id)).toEqual(alert)
        const taken = change(other, alert.id, (a) => lifecycle.acknowledge(a, 'bob', T0 + MINUTE))
        expect(store.get(alert.id)).toEqual(taken)
      })

      it('lets only the first of two responders acknowledging one after the other own the alert', () => {
        const alert = raise(trigger(ada, T0))
        const other = fixture.open()
        change(store, alert.id, (a) => lifecycle.acknowledge(a, 'sue', T0 + 10 * SECOND))
        expect(() => change(other, alert.id, (a) => lifecycle.acknowledge(a, 'bob', T0 + 11 * SECOND))).toThrow('already acknowledged by sue')
        expect(store.get(alert.id)).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'sue', acknowledgedAt: iso(T0 + 10 * SECOND) })
        expect(store.history(alert.id).filter((h) => h.action === 'acknowledged').map((h) => h.by)).toEqual(['sue'])
      })

      it('lets only one of two responders acknowledging at once own the alert: the one who read first and wrote last is refused', () => {
        const alert = raise(trigger(ada, T0))
        const other = fixture.open()
        let bobs: Alert | undefined
        // Sue reads the raised alert; before she writes, Bob acknowledges it on another connection.
        const sue = (): Alert =>
          change(store, alert.id, (a) => lifecycle.acknowledge(a, 'sue', T0 + 10 * SECOND), () => {
            bobs = change(other, alert.id, (a) => lifecycle.acknowledge(a, 'bob', T0 + 10 * SECOND))
          })
        expect(sue).toThrow()
        expect(bobs).toMatchObject({ acknowledgedBy: 'bob' })
        expect(store.get(alert.id)).toEqual(bobs)
        expect(other.get(alert.id)).toEqual(bobs)
        expect(store.history(alert.id).filter((h) => h.action === 'acknowledged').map((h) => h.by)).toEqual(['bob'])
      })
    })
  })
}

alertRepositoryContract('sqlite', () => {
  const dir = tempDir('hearth-alerts-')
  const file = join(dir, 'hearth.db')
  const connections: SqliteDatabase[] = []
  const connect = (): SqliteDatabase => {
    const db = openDatabase(file, OPERATIONAL_MIGRATIONS, { synchronous: 'FULL' })
    connections.push(db)
    return db
  }
  const persons = createPersonRepository(connect())
  return {
    open: () => createAlertRepository(connect()),
    addPerson: (name) => persons.create({ name, timeZone: 'Europe/London' }, T0).id,
    teardown() {
      for (const db of connections) db.close()
      removeDir(dir)
    },
  }
})
