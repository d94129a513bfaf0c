import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Alert } from '../../contract/index.js'
import { VirtualDevice } from '../../simulators/virtual-device.js'
import { ManualClock, eventually, raisedBy, removeDir, startTestPlatform, tempDir, type TestPlatform } from '../../harness/test-platform.js'
import { startMailInbox } from '../helpers/mail-inbox.js'

const T0 = Date.parse('2026-06-15T12:00:00Z')
const S = 1000

describe('an alarm nobody answers in time reaches the supervisors by email', { timeout: 60_000 }, () => {
  const dataDir = tempDir()
  const clock = new ManualClock(T0)
  let t: TestPlatform
  let mail: Awaited<ReturnType<typeof startMailInbox>>
  let pendant: VirtualDevice

  const press = (): Promise<Alert> => raisedBy(t.api, () => pendant.event('alarm.pressed'), 'the alarm')
  const at = (ms: number): void => {
    clock.set(ms)
    t.platform.tick()
  }
  const settled = async (): Promise<void> => {
    await eventually(async () => (/hearth_notifications_pending 0\b/.test((await t.api.metrics()).body as string) ? true : undefined), 'nothing left to send')
  }
  const user = async (username: string, roles: string[], email?: string) => {
    const made = await t.api.request('POST', '/api/users', { username, password: `${username}-password-1`, roles, ...(email ? { email } : {}) })
    expect(made.status).toBe(201)
    return made.body as { id: string; email: string | null }
  }

  beforeAll(async () => {
    mail = await startMailInbox()
    t = await startTestPlatform(dataDir, { HEARTH_SMTP_URL: mail.url, HEARTH_SMTP_FROM: 'Hearth <alerts@care.example.org>', HEARTH_NOTIFICATION_RETRY_SECONDS: '0.2' }, clock)
    const person = await t.api.createPerson('Harold Wilson')
    pendant = new VirtualDevice(await t.api.provision('pendant', person, 'pendant-harold'), t.mqttUrl)
    await pendant.connect()
    expect((await user('sue', ['supervisor'], 'Sue.Night@care.example.org')).email).toBe('Sue.Night@care.example.org')
    await user('stan', ['supervisor'])
    await user('rita', ['responder'], 'rita@care.example.org')
  })
  afterAll(async () => {
    await pendant?.close()
    await t?.close()
    await mail?.close()
    removeDir(dataDir)
  })

  it('keeps a user email for user admins, refuses one that is not an address, and removes it with null', async () => {
    const sue = ((await t.api.request('GET', '/api/users')).body.users as Array<{ username: string; email: string | null; id: string }>).find((u) => u.username === 'sue')
    expect(sue?.email).toBe('Sue.Night@care.example.org')
    const bad = await t.api.request('PATCH', `/api/users/${sue?.id}`, { email: 'not an address' })
    expect(bad.status).toBe(400)
    expect(bad.body.error.problems.map((p: { field: string }) => p.field)).toEqual(['email'])
    const extra = await user('sid', ['supervisor'], 'sid@care.example.org')
    const removed = await t.api.request('PATCH', `/api/users/${extra.id}`, { email: null })
    expect([removed.status, removed.body.email]).toEqual([200, null])
  })

  it('emails the supervisor with an email exactly once when an emergency reaches escalation level 2 unacknowledged', async () => {
    const alarm = await press()
    at(T0 + 60 * S)
    expect((await t.api.request('GET', `/api/alerts/${alarm.id}`)).body.escalationLevel).toBe(1)
    await settled()
    // Level 1 is for the supervisors' screens; nothing is emailed yet.
    expect(mail.received).toEqual([])

    at(T0 + 90 * S)
    at(T0 + 120 * S)
    at(T0 + 150 * S)
    expect((await t.api.request('GET', `/api/alerts/${alarm.id}`)).body.escalationLevel).toBe(4)
    await eventually(() => (mail.received.length > 0 ? true : undefined), 'the escalation email')
    await settled()
    // Sue only: Stan has no email, Rita is a responder, Sid's email was removed.
    expect(mail.received.map((m) => [m.to, m.subject])).toEqual([[['Sue.Night@care.example.org'], 'Not answered in time: Harold Wilson — Alarm pressed']])
    expect(mail.received[0]?.text).toMatch(/An emergency alert for Harold Wilson \(Alarm pressed\) has not been acknowledged after 90 s and has escalated to level 2\./)

    expect((await t.api.request('POST', `/api/alerts/${alarm.id}/resolve`, { outcome: 'responder-visited' })).status).toBe(200)
  })

  it('emails nobody about an alarm acknowledged in time', async () => {
    const start = T0 + 10 * 60 * S
    clock.set(start)
    const before = mail.received.length
    const alarm = await press()
    at(start + 30 * S)
    expect((await t.api.request('POST', `/api/alerts/${alarm.id}/acknowledge`)).status).toBe(200)
    at(start + 5 * 60 * S)
    at(start + 10 * 60 * S)
    const seen = (await t.api.request('GET', `/api/alerts/${alarm.id}`)).body
    expect([seen.status, seen.escalationLevel]).toEqual(['acknowledged', 0])
    await settled()
    expect(mail.received.length).toBe(before)
  })
})
