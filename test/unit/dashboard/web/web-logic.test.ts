import { describe, expect, it } from 'vitest'
import { clockState } from '../../../../dashboard/web/src/answer-clock.js'
import { ApiError } from '../../../../dashboard/web/src/api.js'
import { conflictText } from '../../../../dashboard/web/src/conflict-text.js'
import { deviceHealth, mosquittoPubLine, sortDevicesForAttention } from '../../../../dashboard/web/src/device-health.js'
import { formatElapsed, kindText } from '../../../../dashboard/web/src/format.js'
import { parseRoute } from '../../../../dashboard/web/src/router.js'
import { buildThresholds, draftsFrom, editDraft } from '../../../../dashboard/web/src/person/thresholds-draft.js'
import type { DeviceView } from '../../../../dashboard/ports.js'

const NOW = Date.parse('2026-01-01T12:00:00.000Z')
function device(change: Partial<DeviceView>): DeviceView {
  return { id: 'd', type: 'pendant', personId: 'p-1', label: null, checkInSeconds: null, createdAt: '2026-01-01T00:00:00.000Z', lastSeenAt: '2026-01-01T11:59:00.000Z', online: true, battery: 0.9, signal: null, firmware: null, deprovisionedAt: null, ...change }
}

describe('web app logic', () => {
  it('colours the answer clock neutral, then amber from 30 s, then red from 60 s, only while nobody has taken the alert', () => {
    expect(clockState(29, true)).toBe('neutral')
    expect(clockState(30, true)).toBe('amber')
    expect(clockState(60, true)).toBe('red')
    expect(clockState(600, false)).toBe('neutral')
    expect(formatElapsed(65)).toBe('1:05')
    expect(formatElapsed(3725)).toBe('1:02:05')
  })

  it('tells a responder who was too late who took the alert', () => {
    expect(conflictText(new ApiError(409, 'conflict', 'alert a-3 is already acknowledged by sam'))).toBe('Already taken by sam')
    expect(conflictText(new ApiError(409, 'conflict', 'alert a-3 is already resolved by kim'))).toBe('Already resolved by kim')
    expect(conflictText(new ApiError(404, 'not_found', 'no alert a-9'))).toBe('no alert a-9')
  })

  it('puts offline, never-seen and low-battery devices first', () => {
    const silent = device({ id: 'silent', type: 'wearable', lastSeenAt: '2026-01-01T11:40:00.000Z' })
    const saidOffline = device({ id: 'will', online: false })
    const low = device({ id: 'low', battery: 0.1 })
    const fine = device({ id: 'fine' })
    const never = device({ id: 'never', lastSeenAt: null, online: null })
    expect(deviceHealth(silent, NOW)).toBe('offline')
    expect(deviceHealth(device({ checkInSeconds: 30 }), NOW)).toBe('offline')
    expect(sortDevicesForAttention([fine, low, never, silent, saidOffline], NOW).map((d) => d.id)).toEqual(['silent', 'will', 'never', 'low', 'fine'])
  })

  it('gives a mosquitto_pub line that proves a new device credentials', () => {
    expect(mosquittoPubLine('hearth.local', 'pendant-1', 's3cret')).toBe(
      `mosquitto_pub -h hearth.local -p 1883 -i pendant-1 -u pendant-1 -P 's3cret' -q 1 -t wellbeing/v1/devices/pendant-1/events -m '{"id":"e-1","type":"test","data":{}}'`,
    )
  })

  it('reads hash routes', () => {
    expect(parseRoute('')).toEqual({ page: 'home' })
    expect(parseRoute('#/queue')).toEqual({ page: 'queue' })
    expect(parseRoute('#/person/p-1a')).toEqual({ page: 'person', personId: 'p-1a' })
    expect(parseRoute('#/nowhere')).toEqual({ page: 'unknown', path: 'nowhere' })
  })

  it('names alert kinds in words, thresholds by their metric', () => {
    expect(kindText('fall.detected')).toBe('Fall detected')
    expect(kindText('threshold.heart_rate')).toBe('Pulse out of range')
    expect(kindText('something.new')).toBe('something.new')
  })

  it('sends only the person\'s own threshold rules, and flags what is not a number before sending', () => {
    const drafts = draftsFrom([{ metric: 'heart_rate', above: 130, below: 41, clearAbove: 110, clearBelow: 50, forSeconds: 300, priority: 'urgent', source: 'default' }])
    expect(buildThresholds(drafts).thresholds).toEqual([])
    const edited = drafts.map((d) => (d.metric === 'heart_rate' ? editDraft(d, 'above', '120') : d.metric === 'spo2' ? { ...d, own: true, below: '9x' } : d))
    const built = buildThresholds(edited)
    expect(built.thresholds[0]).toEqual({ metric: 'heart_rate', above: 120, below: 41, clearAbove: 110, clearBelow: 50, forSeconds: 300, priority: 'urgent' })
    expect(built.problems.get('spo2.below')).toBe('a number')
  })

  it('empties a carried-over clear value the new band no longer holds, and brings it back when the band does again', () => {
    const [pulse] = draftsFrom([{ metric: 'heart_rate', above: 130, below: 41, clearAbove: 110, clearBelow: 50, forSeconds: 300, priority: 'urgent', source: 'default' }])
    const typedOne = editDraft(pulse!, 'above', '1')
    expect(typedOne.clearAbove).toBe('')
    const typed140 = editDraft(editDraft(typedOne, 'above', '14'), 'above', '140')
    expect(typed140.clearAbove).toBe('110')
    const own = editDraft(editDraft(pulse!, 'clearAbove', '120'), 'above', '100')
    expect(own.clearAbove).toBe('120')
    expect(buildThresholds([editDraft(pulse!, 'above', '100')]).thresholds).toEqual([{ metric: 'heart_rate', above: 100, below: 41, clearBelow: 50, forSeconds: 300, priority: 'urgent' }])
  })
})
