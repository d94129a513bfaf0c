import { describe, expect, it } from 'vitest'
import type { Alert } from '../../../../contract/alert.js'
import type { AccessLogEntry, CircleMembership, Role } from '../../../../contract/circle-values.js'
import { accessActionText, accessBasisText, groupAccessLog } from '../../../../dashboard/web/src/access-log-text.js'
import { canSeePage, homePage, PAGES, type SessionUser } from '../../../../dashboard/web/src/access.js'
import { alarmWhat, answeredText, durationWords, familyStatus, joinAlarms, type FamilyAlarm } from '../../../../dashboard/web/src/alarm-text.js'
import { breakGlassNoticeText, memberKind, memberName, membershipState, membershipStateText, roleText } from '../../../../dashboard/web/src/circle-text.js'
import { parseRoute } from '../../../../dashboard/web/src/router.js'
import type { AlarmRecord } from '../../../../dashboard/web/src/types.js'

const user = (roles: Role[]): SessionUser => ({ id: 'u-1', username: 'u', displayName: 'U', roles, organisationId: 'o-1', organisationName: 'Org', personId: roles.includes('person') ? 'p-1' : null, mustChangePassword: false, twoFactorEnabled: false })
const pagesOf = (roles: Role[]) => PAGES.filter((p) => p.allowed(user(roles))).map((p) => p.name)

function member(change: Partial<CircleMembership>): CircleMembership {
  return {
    id: 'm-1',
    personId: 'p-1',
    organisationId: 'o-2',
    organisationName: 'Riverside District Nursing',
    organisationKind: 'nhs-health',
    userId: null,
    userDisplayName: null,
    relationship: 'district nursing team',
    scopes: ['alerts', 'timeline'],
    basis: 'consent',
    proxy: null,
    from: '2026-03-01T10:00:00.000Z',
    to: null,
    endedAt: null,
    endedBy: null,
    endReason: null,
    active: true,
    createdBy: 'admin',
    createdAt: '2026-03-01T10:00:00.000Z',
    ...change,
  }
}

function entry(seq: number, at: string, change: Partial<AccessLogEntry> = {}): AccessLogEntry {
  return { seq, at, userId: 'u-nia', username: 'nia', displayName: 'Nia Jones', organisationId: 'o-2', organisationName: 'Riverside', role: 'clinician', action: 'person.read', basis: 'consent', reason: null, target: null, ip: null, breakGlass: false, ...change }
}

const NOW = Date.parse('2026-03-03T15:00:00')
const alarm = (change: Partial<FamilyAlarm>): FamilyAlarm => ({
  alertId: 'a-1',
  kind: 'alarm.pressed',
  priority: 'emergency',
  status: 'raised',
  raisedAt: new Date('2026-03-03T03:12:00').toISOString(),
  deviceType: 'pendant',
  handler: null,
  handlerOrganisation: null,
  resolvedAt: null,
  outcome: null,
  ...change,
})

describe('circles of care in the web app', () => {
  it('shows each role its pages and sends it home: the person to My record, family carers and volunteers to Family', () => {
    expect(pagesOf(['person'])).toEqual(['me'])
    expect(homePage(user(['person']))).toBe('me')
    expect(homePage(user(['family-carer']))).toBe('family')
    expect(homePage(user(['volunteer']))).toBe('family')
    expect(homePage(user(['responder']))).toBe('queue')
    expect(homePage(user(['clinician']))).toBe('people')
    expect(homePage(user(['org-admin']))).toBe('people')
    expect(pagesOf(['admin'])).toEqual(['queue', 'console', 'call-scripts', 'people', 'devices', 'figures', 'organisations', 'users'])
    expect(pagesOf(['clinician'])).not.toContain('console')
    expect(pagesOf(['org-admin'])).toEqual(['people', 'users'])
    expect(canSeePage(user(['responder']), 'organisations')).toBe(false)
    expect(parseRoute('#/me')).toEqual({ page: 'me' })
    expect(parseRoute('#/family')).toEqual({ page: 'family' })
    expect(parseRoute('#/console')).toEqual({ page: 'console' })
    expect(parseRoute('#/organisations')).toEqual({ page: 'organisations' })
  })

  it('says how fast an alarm was answered in plain words', () => {
    expect(durationWords(42)).toBe('42 seconds')
    expect(durationWords(1)).toBe('1 second')
    expect(durationWords(65)).toBe('1 minute and 5 seconds')
    expect(durationWords(120)).toBe('2 minutes')
    expect(durationWords(3 * 3600 + 60)).toBe('3 hours and 1 minute')
    expect(answeredText({ answeredAfterSeconds: 42, status: 'resolved' })).toBe('answered in 42 seconds')
    expect(answeredText({ answeredAfterSeconds: null, status: 'raised' })).toBe('not answered yet')
    expect(alarmWhat('alarm.pressed', 'pendant')).toBe('Pendant pressed')
    expect(alarmWhat('fall.detected', 'fall-detector')).toBe('Fall detected')
  })

  it("tells the family all is well, the alarm in progress and who is handling it, then how it ended today", () => {
    expect(familyStatus([], NOW)).toMatchObject({ tone: 'well', headline: 'All is well', earlier: null })
    expect(familyStatus([alarm({})], NOW)).toMatchObject({ tone: 'alarm', headline: 'Alarm in progress', detail: 'Pendant pressed at 03:12 — waiting for a responder' })
    const taken = alarm({ status: 'acknowledged', handler: 'Sam Okafor', handlerOrganisation: 'Hearth telecare service' })
    expect(familyStatus([taken], NOW).detail).toBe('Pendant pressed at 03:12 — being handled by Sam Okafor (Hearth telecare service)')
    const closed = alarm({ status: 'resolved', handler: 'Sam Okafor', resolvedAt: new Date('2026-03-03T03:20:00').toISOString(), outcome: 'resolved-by-phone' })
    expect(familyStatus([closed], NOW)).toMatchObject({ tone: 'well', earlier: 'Resolved at 03:20: Sorted out over the phone (Pendant pressed at 03:12, answered by Sam Okafor).' })
    const yesterday = alarm({ status: 'resolved', resolvedAt: new Date('2026-03-02T03:20:00').toISOString(), outcome: 'false-alarm' })
    expect(familyStatus([yesterday], NOW).earlier).toBeNull()
    // A flat battery is not an alarm in progress.
    expect(familyStatus([alarm({ kind: 'device.battery-low', priority: 'technical' })], NOW).tone).toBe('well')
  })

  it('joins the live alert with the alarm record that names who answered, whichever is further along', () => {
    const live = { id: 'a-1', personId: 'p-1', deviceId: 'pendant-1', kind: 'alarm.pressed', priority: 'emergency', status: 'acknowledged', raisedAt: '2026-03-03T03:12:00.000Z', acknowledgedBy: 'sam', resolvedAt: null, outcome: null } as Alert
    const record: AlarmRecord = { alertId: 'a-1', kind: 'alarm.pressed', priority: 'emergency', status: 'raised', raisedAt: '2026-03-03T03:12:00.000Z', acknowledgedAt: null, acknowledgedBy: null, acknowledgedByOrganisation: null, answeredAfterSeconds: null, resolvedAt: null, outcome: null, note: null }
    const [joined] = joinAlarms([live], [record], new Map([['pendant-1', 'pendant']]))
    expect(joined).toMatchObject({ status: 'acknowledged', handler: 'sam', deviceType: 'pendant' })
    const named = { ...record, status: 'acknowledged' as const, acknowledgedBy: 'Sam Okafor', acknowledgedByOrganisation: 'Hearth telecare service' }
    expect(joinAlarms([live], [named], new Map())[0]).toMatchObject({ handler: 'Sam Okafor', handlerOrganisation: 'Hearth telecare service' })
  })

  it('names members, their kind and whether they are still in the circle', () => {
    expect(memberName(member({}))).toBe('Riverside District Nursing')
    expect(memberKind(member({}))).toBe('NHS health team')
    const ann = member({ organisationId: null, organisationName: null, organisationKind: null, userId: 'u-ann', userDisplayName: 'Ann Cavell' })
    expect([memberName(ann), memberKind(ann)]).toEqual(['Ann Cavell', 'Individual'])
    const ended = member({ active: false, endedAt: '2026-03-02T10:00:00.000Z', endedBy: 'edith', endReason: 'consent withdrawn' })
    expect(membershipState(ended, NOW)).toBe('ended')
    expect(membershipStateText(ended, NOW)).toMatch(/^Ended .* by edith: consent withdrawn$/)
    expect(membershipState(member({ active: false, to: '2026-03-02T00:00:00.000Z' }), NOW)).toBe('expired')
    expect(roleText('clinician,supervisor')).toBe('Clinician, Supervisor')
  })

  it('says who opened a record in an emergency, and why', () => {
    const grant = { id: 'bg-1', personId: 'p-1', personName: 'Edith Cavell', userId: 'u-rex', displayName: 'Rex Hale', organisationName: 'Northgate Response', role: 'responder', reason: 'Pendant call, no answer at the door', openedAt: '', expiresAt: '' }
    expect(breakGlassNoticeText(grant)).toBe('Emergency access to Edith Cavell by Rex Hale (Northgate Response, Responder): Pendant call, no answer at the door')
  })

  it('folds one visit of repeated reads into one line of the access log, and says what each did', () => {
    const entries = [
      entry(5, '2026-03-03T10:20:00Z', { action: 'timeline.read' }),
      entry(4, '2026-03-03T10:19:50Z'),
      entry(3, '2026-03-03T10:19:40Z', { action: 'timeline.read' }),
      entry(2, '2026-03-03T10:19:30Z'),
      entry(1, '2026-03-03T08:00:00Z'),
    ]
    expect(groupAccessLog(entries).map((g) => [g.first.seq, g.last.seq, g.count])).toEqual([
      [5, 3, 2],
      [4, 2, 2],
      [1, 1, 1],
    ])
    expect(accessActionText('person.read', 'person')).toBe('Opened your record')
    expect(accessActionText('access-details.revealed', 'staff')).toBe('Revealed the key-safe code and access details')
    expect(accessActionText('something.new', 'staff')).toBe('Something new')
    expect(accessBasisText(entry(1, '', { breakGlass: true, basis: 'break-glass', reason: 'No answer at the door' }), 'person')).toBe('Emergency access: “No answer at the door”')
    expect(accessBasisText(entry(1, ''), 'person')).toBe('Your consent')
  })
})
