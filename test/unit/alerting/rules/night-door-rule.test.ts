import { describe, expect, it } from 'vitest'
import { NIGHT_DOOR_KIND, onNightDoorEvent, tickNightDoor, type NightDoorState } from '../../../../alerting/rules/night-door-rule.js'
import type { RuleFinding } from '../../../../alerting/rules/rule-finding.js'
import { DEFAULT_CARE_SETTINGS, type CareSettings, type EventType } from '../../../../contract/index.js'

const MIN = 60_000
const H = 60 * MIN
const DAY = 24 * H
const utc = (iso: string): number => Date.parse(iso)
const iso = (ms: number): string => new Date(ms).toISOString()

type DoorSettings = Pick<CareSettings, 'activeHours' | 'timeZone' | 'nightDoorMinutes'>
const LONDON: DoorSettings = { activeHours: DEFAULT_CARE_SETTINGS.activeHours, nightDoorMinutes: DEFAULT_CARE_SETTINGS.nightDoorMinutes, timeZone: 'Europe/London' }

/** Events at their times and a tick every minute from `fromMs` to `toMs`; the findings with their times. */
function simulate(
  settings: DoorSettings,
  opts: { fromMs: number; toMs: number; events: Array<[EventType, number]>; state?: NightDoorState },
): { findings: Array<{ atMs: number; finding: RuleFinding }>; state: NightDoorState | undefined } {
  const events = [...opts.events].sort((a, b) => a[1] - b[1])
  let state = opts.state
  const findings: Array<{ atMs: number; finding: RuleFinding }> = []
  let next = 0
  for (let t = opts.fromMs; t < opts.toMs; t += MIN) {
    for (; next < events.length && (events[next]?.[1] ?? Infinity) <= t; next++) {
      const [type, atMs] = events[next] ?? ['test', 0]
      const result = onNightDoorEvent(state, { type, atMs }, settings)
      state = result.state
      if (result.finding) findings.push({ atMs, finding: result.finding })
    }
    const result = tickNightDoor(state, t, settings)
    state = result.state
    if (result.finding) findings.push({ atMs: t, finding: result.finding })
  }
  return { findings, state }
}

const summaries = (findings: Array<{ atMs: number; finding: RuleFinding }>): Array<[string, string, string]> =>
  findings.map((f) => [iso(f.atMs), f.finding.action, f.finding.summary])

describe('night door rule', () => {
  it('fires 15 min after the door closed at night with no movement indoors since, and not one ms before', () => {
    let state = onNightDoorEvent(undefined, { type: 'door.opened', atMs: utc('2026-01-14T23:10:00Z') }, LONDON).state
    state = onNightDoorEvent(state, { type: 'door.closed', atMs: utc('2026-01-14T23:11:00Z') }, LONDON).state
    const before = tickNightDoor(state, utc('2026-01-14T23:25:59.999Z'), LONDON)
    expect(before.finding).toBeUndefined()
    const at = tickNightDoor(before.state, utc('2026-01-14T23:26:00Z'), LONDON)
    expect(at.finding).toEqual({
      action: 'fire',
      kind: NIGHT_DOOR_KIND,
      priority: 'urgent',
      summary: 'Door opened at night at 23:10 and no movement indoors since (15 min)',
    })
    expect(at.state.firing).toBe(true)
  })

  it('fires for a door left open at night', () => {
    const { findings } = simulate(LONDON, { fromMs: utc('2026-01-14T23:00:00Z'), toMs: utc('2026-01-15T01:00:00Z'), events: [['door.opened', utc('2026-01-14T23:10:00Z')]] })
    expect(summaries(findings)).toEqual([['2026-01-14T23:25:00.000Z', 'fire', 'Door opened at night at 23:10 and not closed since (15 min)']])
  })

  it('ends the watch without an alert when movement is seen indoors after the door closed', () => {
    const { findings, state } = simulate(LONDON, {
      fromMs: utc('2026-01-14T23:00:00Z'),
      toMs: utc('2026-01-15T06:00:00Z'),
      events: [
        ['door.opened', utc('2026-01-14T23:10:00Z')],
        ['door.closed', utc('2026-01-14T23:11:00Z')],
        ['motion', utc('2026-01-14T23:25:00Z')],
      ],
    })
    expect(findings).toEqual([])
    expect(state).toEqual({ firing: false })
  })

  it('does not end the watch on movement while the door is still open', () => {
    const { findings } = simulate(LONDON, {
      fromMs: utc('2026-01-14T23:00:00Z'),
      toMs: utc('2026-01-15T01:00:00Z'),
      events: [
        ['door.opened', utc('2026-01-14T23:10:00Z')],
        ['motion', utc('2026-01-14T23:12:00Z')],
        ['bed.enter', utc('2026-01-14T23:13:00Z')],
      ],
    })
    expect(summaries(findings)).toEqual([['2026-01-14T23:25:00.000Z', 'fire', 'Door opened at night at 23:10 and not closed since (15 min)']])
  })

  it('counts the 15 min from the last door event of the episode, but names when it first opened', () => {
    const { findings } = simulate(LONDON, {
      fromMs: utc('2026-01-14T23:00:00Z'),
      toMs: utc('2026-01-15T01:00:00Z'),
      events: [
        ['door.opened', utc('2026-01-14T23:10:00Z')],
        ['door.closed', utc('2026-01-14T23:12:00Z')],
        ['door.opened', utc('2026-01-14T23:18:00Z')],
        ['door.closed', utc('2026-01-14T23:20:00Z')],
      ],
    })
    expect(summaries(findings)).toEqual([['2026-01-14T23:35:00.000Z', 'fire', 'Door opened at night at 23:10 and no movement indoors since (15 min)']])
  })

  it('starts no watch for a door opened in the active hours, nor for a door closed at night', () => {
    expect(onNightDoorEvent(undefined, { type: 'door.opened', atMs: utc('2026-01-14T21:59:00Z') }, LONDON).state).toEqual({ firing: false })
    expect(onNightDoorEvent(undefined, { type: 'door.closed', atMs: utc('2026-01-14T23:00:00Z') }, LONDON).state).toEqual({ firing: false })
    expect(onNightDoorEvent(undefined, { type: 'door.opened', atMs: utc('2026-01-14T22:00:00Z') }, LONDON).state).toEqual({
      firing: false,
      openedAtMs: utc('2026-01-14T22:00:00Z'),
      lastDoorEventMs: utc('2026-01-14T22:00:00Z'),
      doorClosed: false,
    })
  })

  it('clears on movement indoors once the door has closed, not on movement while it is open', () => {
    const fired = simulate(LONDON, { fromMs: utc('2026-01-14T23:00:00Z'), toMs: utc('2026-01-14T23:40:00Z'), events: [['door.opened', utc('2026-01-14T23:10:00Z')]] }).state
    expect(fired?.firing).toBe(true)
    const whileOpen = onNightDoorEvent(fired, { type: 'motion', atMs: utc('2026-01-14T23:45:00Z') }, LONDON)
    expect(whileOpen).toEqual({ state: fired })
    const closed = onNightDoorEvent(whileOpen.state, { type: 'door.closed', atMs: utc('2026-01-14T23:48:00Z') }, LONDON)
    expect(closed.finding).toBeUndefined()
    const back = onNightDoorEvent(closed.state, { type: 'chair.enter', atMs: utc('2026-01-14T23:50:00Z') }, LONDON)
    expect(back).toEqual({ state: { firing: false }, finding: { action: 'clear', kind: 'night.door-exit', summary: 'movement indoors at 23:50' } })
  })

  it('fires once per episode however long it lasts', () => {
    const { findings } = simulate(LONDON, { fromMs: utc('2026-01-14T23:00:00Z'), toMs: utc('2026-01-16T23:00:00Z'), events: [['door.opened', utc('2026-01-14T23:10:00Z')]] })
    expect(findings.length).toBe(1)
  })

  it('raises nothing over 3 nights of putting the bin out at 23:00 and coming back in, with daytime comings and goings', () => {
    const from = utc('2026-01-12T00:00:00Z')
    const events: Array<[EventType, number]> = []
    for (let d = 0; d < 3; d++) {
      const base = from + d * DAY
      events.push(['door.opened', base + 23 * H], ['door.closed', base + 23 * H + 2 * MIN], ['motion', base + 23 * H + 3 * MIN])
      for (const hour of [9, 12, 16]) events.push(['door.opened', base + hour * H], ['door.closed', base + hour * H + MIN])
    }
    const { findings, state } = simulate(LONDON, { fromMs: from, toMs: from + 3 * DAY, events })
    expect(events.length).toBe(27)
    expect(findings).toEqual([])
    expect(state).toEqual({ firing: false })
  })

  it('measures 15 real minutes across the spring-forward gap: opened 00:55 GMT, fires 02:10 BST', () => {
    const { findings } = simulate(LONDON, { fromMs: utc('2026-03-29T00:50:00Z'), toMs: utc('2026-03-29T02:00:00Z'), events: [['door.opened', utc('2026-03-29T00:55:00Z')]] })
    expect(summaries(findings)).toEqual([['2026-03-29T01:10:00.000Z', 'fire', 'Door opened at night at 00:55 and not closed since (15 min)']])
  })

  it('measures 15 real minutes across the fall-back hour: opened 01:50 BST, closed 01:51 BST, fires at 01:06 GMT', () => {
    const { findings } = simulate(LONDON, {
      fromMs: utc('2026-10-25T00:40:00Z'),
      toMs: utc('2026-10-25T02:00:00Z'),
      events: [
        ['door.opened', utc('2026-10-25T00:50:00Z')],
        ['door.closed', utc('2026-10-25T00:51:00Z')],
      ],
    })
    expect(summaries(findings)).toEqual([['2026-10-25T01:06:00.000Z', 'fire', 'Door opened at night at 01:50 and no movement indoors since (15 min)']])
  })

  it('takes the night from the person\'s own zone: 06:30 in New York is night, 06:30 UTC is not', () => {
    const ny: DoorSettings = { ...LONDON, timeZone: 'America/New_York' }
    const at = utc('2026-06-15T10:30:00Z') // 06:30 EDT, 11:30 BST
    expect(onNightDoorEvent(undefined, { type: 'door.opened', atMs: at }, ny).state.openedAtMs).toBe(at)
    expect(onNightDoorEvent(undefined, { type: 'door.opened', atMs: at }, LONDON).state.openedAtMs).toBeUndefined()
    const fired = tickNightDoor(onNightDoorEvent(undefined, { type: 'door.opened', atMs: at }, ny).state, at + 15 * MIN, ny)
    expect(fired.finding?.summary).toBe('Door opened at night at 06:30 and not closed since (15 min)')
  })

  it('treats the hours outside a 20:00 to 02:00 day as night', () => {
    const evening: DoorSettings = { ...LONDON, activeHours: { from: '20:00', to: '02:00' } }
    expect(onNightDoorEvent(undefined, { type: 'door.opened', atMs: utc('2026-01-15T03:00:00Z') }, evening).state.openedAtMs).toBe(utc('2026-01-15T03:00:00Z'))
    expect(onNightDoorEvent(undefined, { type: 'door.opened', atMs: utc('2026-01-15T01:00:00Z') }, evening).state.openedAtMs).toBeUndefined()
  })
})

describe('night door exit in a home without a motion sensor', () => {
  it('watches the door again on the next night after an alert that nothing indoors could end', () => {
    const london = { activeHours: { from: '07:00', to: '22:00' }, timeZone: 'Europe/London', nightDoorMinutes: 15 }
    const first = onNightDoorEvent(undefined, { type: 'door.opened', atMs: Date.parse('2026-01-15T02:00:00Z') }, london)
    const fired = tickNightDoor(first.state, Date.parse('2026-01-15T02:15:00Z'), london)
    expect(fired.finding?.action).toBe('fire')
    const nextNight = onNightDoorEvent(fired.state, { type: 'door.opened', atMs: Date.parse('2026-01-16T01:00:00Z') }, london)
    expect(nextNight.state).toEqual({ openedAtMs: Date.parse('2026-01-16T01:00:00Z'), lastDoorEventMs: Date.parse('2026-01-16T01:00:00Z'), doorClosed: false, firing: false })
    expect(tickNightDoor(nextNight.state, Date.parse('2026-01-16T01:15:00Z'), london).finding).toMatchObject({ action: 'fire', summary: 'Door opened at night at 01:00 and not closed since (15 min)' })
  })
})
