import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Alert } from '../../contract/index.js'
import { VirtualDevice } from '../../simulators/virtual-device.js'
import { eventually, raisedBy, removeDir, startTestPlatform, tempDir, type TestPlatform } from '../../harness/test-platform.js'
import { startMailInbox } from '../helpers/mail-inbox.js'

const PLAN = {
  steps: [
    { name: 'Mary Shaw', relationship: 'Daughter', phone: '07700 900101', email: 'mary@example.org' },
    { name: 'Tom Reed', relationship: 'neighbour', phone: '07700 900102', email: 'tom@example.org' },
    { name: 'Sam Shaw', relationship: 'son', phone: '07700 900104' },
  ],
  reason: 'agreed with Ada',
}

describe('family told of alarms by email, when the person shares them', { timeout: 60_000 }, () => {
  const dataDir = tempDir()
  let t: TestPlatform
  let mail: Awaited<ReturnType<typeof startMailInbox>>
  let pendant: VirtualDevice
  let ada: string

  const alarmAndVisit = async (): Promise<Alert> => {
    const alarm = await raisedBy(t.api, () => pendant.event('alarm.pressed'), 'the alarm')
    expect((await t.api.request('POST', `/api/alerts/${alarm.id}/resolve`, { outcome: 'responder-visited' })).status).toBe(200)
    return alarm
  }
  const delivered = async (): Promise<string | undefined> => /hearth_notifications_delivered_total\{channel="email"\} (\d+)/.exec((await t.api.metrics()).body as string)?.[1]

  beforeAll(async () => {
    mail = await startMailInbox()
    t = await startTestPlatform(dataDir, { HEARTH_SMTP_URL: mail.url, HEARTH_SMTP_FROM: 'Hearth <alerts@care.example.org>', HEARTH_NOTIFICATION_RETRY_SECONDS: '0.2' })
    ada = await t.api.createPerson('Ada Lovelace')
    pendant = new VirtualDevice(await t.api.provision('pendant', ada, 'pendant-ada'), t.mqttUrl)
    await pendant.connect()
    expect((await t.api.request('PUT', `/api/persons/${ada}/response-plan`, PLAN)).status).toBe(200)
  })
  afterAll(async () => {
    await pendant?.close()
    await t?.close()
    await mail?.close()
    removeDir(dataDir)
  })

  it('emails the daughter of the alarm and how it ended only once Ada shares her alarms with her family', async () => {
    const wishes = (share: boolean) => t.api.request('PUT', `/api/persons/${ada}/wishes`, { preferredName: 'Ada', shareAlarmsWithFamily: share, reason: 'her choice' })
    expect((await wishes(false)).status).toBe(200)
    await alarmAndVisit()

    expect((await wishes(true)).status).toBe(200)
    await alarmAndVisit()
    await eventually(async () => ((await delivered()) === '2' ? true : undefined), 'two emails delivered')
    expect((await t.api.metrics()).body).toMatch(/hearth_notifications_pending 0\b/)

    // Tom is a neighbour, not family; Sam has no email; nothing about the first alarm. The two may arrive in either order.
    const [raised, closed] = [...mail.received].sort((a, b) => a.subject.length - b.subject.length)
    expect([raised, closed].map((m) => [m?.to, m?.subject])).toEqual([
      [['mary@example.org'], 'Alarm for Ada: Alarm pressed'],
      [['mary@example.org'], 'Alarm for Ada closed: a responder visited'],
    ])
    expect(raised?.text).toContain('The monitoring service is dealing with it')
    expect(closed?.text).toMatch(/The alarm for Ada raised .* \(Alarm pressed\) was closed .*: a responder visited\./)
  })
})
