import Database from 'better-sqlite3'
import { copyFileSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Socket } from 'socket.io-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SCOPES, type DeviceCommand, type ServerToClientEvents } from '../../contract/index.js'
import { loadConfig } from '../../platform/config.js'
import { createLogger } from '../../platform/logger.js'
import { startPlatform, type RunningPlatform } from '../../platform/start-platform.js'
import { VirtualDevice } from '../../simulators/virtual-device.js'
import { OPERATIONAL_MIGRATIONS } from '../../stores/operational-schema.js'
import { TestApi, connectDevice, connectLive, nextAlert, removeDir, tempDir } from '../../harness/test-platform.js'

/** A data folder made by the Hearth before organisations existed (schema version 3): see its README. */
const FIXTURE = fileURLToPath(new URL('../fixtures/single-organisation-data/', import.meta.url))

interface Account {
  id: string
  username: string
  password: string
  displayName?: string
  roles: string[]
}

interface Expected {
  schemaVersion: number
  admin: Account
  users: Account[]
  token: { id: string; name: string; roles: string[]; token: string }
  persons: Array<{ id: string; name: string; timeZone: string; dateOfBirth: string; address: string; phone: string; medicalNotes: string; contacts: object[] }>
  devices: Array<{ id: string; secret: string; type: string; personId: string; label?: string; checkInSeconds?: number }>
  alerts: Array<{
    id: string
    personId: string
    deviceId: string
    kind: string
    priority: string
    status: string
    acknowledgedBy: string | null
    resolvedBy: string | null
    outcome: string | null
    note: string | null
    history: Array<{ action: string; by: string | null; detail: string | null }>
  }>
  careSettings: Array<{ personId: string; versions: Array<{ version: number; changedBy: string; reason: string }> }>
  edithThresholds: { version: number; own: object[] }
  arthurSettings: Record<string, unknown>
  absences: Array<{ id: string; personId: string; from: string; to: string; reason: string; createdBy: string }>
}

const expected = JSON.parse(readFileSync(join(FIXTURE, 'expected.json'), 'utf8')) as Expected
const LATEST_SCHEMA = Math.max(...OPERATIONAL_MIGRATIONS.map((m) => m.version))
const [EDITH, ARTHUR, MARGARET] = expected.persons as [Expected['persons'][0], Expected['persons'][0], Expected['persons'][0]]
const RESPONDER = expected.users.find((u) => u.roles.join() === 'responder') as Account
const SUPERVISOR = expected.users.find((u) => u.roles.join() === 'supervisor') as Account
const CLINICIAN = expected.users.find((u) => u.roles.join() === 'clinician') as Account
const RESOLVED = expected.alerts.find((a) => a.status === 'resolved') as Expected['alerts'][0]
const OPEN = expected.alerts.find((a) => a.status !== 'resolved') as Expected['alerts'][0]

/**
 * What each old table held, in the columns the previous Hearth wrote and nothing since changes on
 * its own: devices' last-seen times move with the clock, and an open alert's deadlines and
 * acknowledgement with the escalation policy (acknowledged but unresolved for 30 minutes, it goes
 * back to the queue).
 */
const KEPT_COLUMNS: Record<string, string> = {
  users: 'id, username, display_name, password_hash, roles, created_at',
  api_tokens: 'id, token_hash, name, roles, created_by, created_at',
  persons: 'id, name, time_zone, details, created_at',
  devices: 'id, type, person_id, secret_hash, check_in_seconds, label, created_at',
  device_events: 'device_id, event_id, type, ts, data, received_at',
  alerts: 'seq, person_id, device_id, kind, priority, raised_at, resolved_at, resolved_by, outcome, note, summary, occurrences',
  alert_history: 'alert_seq, at, action, by, detail',
  device_commands: 'id, device_id, payload, created_at',
  care_settings_versions: 'person_id, version, thresholds, settings, changed_by, changed_at, reason, changes',
  absences: 'seq, person_id, from_at, to_at, reason, created_by, created_at, ended_at, ended_by',
}

function readTables(path: string): Record<string, unknown[]> {
  const db = new Database(path, { readonly: true, fileMustExist: true })
  try {
    return Object.fromEntries(Object.entries(KEPT_COLUMNS).map(([table, columns]) => [table, db.prepare(`SELECT ${columns} FROM ${table} ORDER BY ${columns}`).all()]))
  } finally {
    db.close()
  }
}

/** What the upgrade itself made: organisations, memberships, and the organisation of each user and token. */
function readUpgrade(path: string): Record<string, unknown[]> {
  const db = new Database(path, { readonly: true, fileMustExist: true })
  try {
    return {
      organisations: db.prepare('SELECT * FROM organisations ORDER BY id').all(),
      circle_memberships: db.prepare('SELECT * FROM circle_memberships ORDER BY id').all(),
      users: db.prepare('SELECT id, organisation_id, person_id, disabled_at FROM users ORDER BY id').all(),
      api_tokens: db.prepare('SELECT id, organisation_id, revoked_at FROM api_tokens ORDER BY id').all(),
    }
  } finally {
    db.close()
  }
}

function schemaVersionOf(path: string): number {
  const db = new Database(path, { readonly: true, fileMustExist: true })
  try {
    return db.pragma('user_version', { simple: true }) as number
  } finally {
    db.close()
  }
}

/**
 * Starts the platform on the copied folder as `startTestPlatform` does, without its sign-in: the
 * folder's admin keeps the password it was made with, whatever HEARTH_ADMIN_PASSWORD says.
 */
async function startOn(dataDir: string): Promise<{ platform: RunningPlatform; httpUrl: string; mqttUrl: string }> {
  const config = loadConfig({
    HEARTH_DATA_DIR: dataDir,
    HEARTH_HOST: '127.0.0.1',
    HEARTH_HTTP_PORT: '0',
    HEARTH_MQTT_PORT: '0',
    HEARTH_ADMIN_PASSWORD: 'not-the-folder-admin-password',
  })
  const platform = await startPlatform(config, createLogger(process.env.HEARTH_TEST_LOG ?? 'silent'))
  return { platform, httpUrl: `http://127.0.0.1:${platform.httpPort}`, mqttUrl: `mqtt://127.0.0.1:${platform.mqttPort}` }
}

describe('upgrading a data folder made before organisations existed', { timeout: 60_000 }, () => {
  const dataDir = tempDir('hearth-upgrade-')
  const dbPath = join(dataDir, 'hearth.db')
  let running: Awaited<ReturnType<typeof startOn>> | undefined
  let before: Record<string, unknown[]>
  let versionBefore: number
  let live: Socket<ServerToClientEvents> | undefined
  let pendant: VirtualDevice | undefined

  const signIn = async (account: Account): Promise<TestApi> => {
    const api = new TestApi((running as NonNullable<typeof running>).httpUrl)
    await api.login(account.username, account.password)
    return api
  }
  const get = async (api: TestApi, path: string): Promise<any> => {
    const answer = await api.request('GET', path)
    expect(answer.status, `GET ${path}: ${JSON.stringify(answer.body)}`).toBe(200)
    return answer.body
  }

  beforeAll(async () => {
    copyFileSync(join(FIXTURE, 'hearth.db'), dbPath)
    versionBefore = schemaVersionOf(dbPath)
    before = readTables(dbPath)
    running = await startOn(dataDir)
  })

  afterAll(async () => {
    live?.disconnect()
    await pendant?.close()
    await running?.platform.close()
    removeDir(dataDir)
  })

  it('starts from a folder of schema version 3 and leaves it at the latest version', () => {
    expect(versionBefore).toBe(expected.schemaVersion)
    expect(expected.schemaVersion).toBe(3)
    expect(LATEST_SCHEMA).toBeGreaterThan(3)
    expect(schemaVersionOf(dbPath)).toBe(LATEST_SCHEMA)
  })

  it('keeps every row the previous Hearth wrote', () => {
    const after = readTables(dbPath)
    for (const [table, rows] of Object.entries(before)) {
      expect(after[table], table).toEqual(expect.arrayContaining(rows))
    }
    expect(before.users).toHaveLength(expected.users.length + 1)
    expect(before.persons).toHaveLength(expected.persons.length)
  })

  it('puts every user in the Hearth telecare service, signing in with their own password and keeping their roles', async () => {
    for (const account of [expected.admin, ...expected.users]) {
      const api = await signIn(account)
      const me = await get(api, '/api/auth/me')
      expect(me.user, account.username).toMatchObject({ id: account.id, username: account.username, roles: account.roles, organisationId: 'o-hearth' })
      if (account.displayName) expect(me.user.displayName).toBe(account.displayName)
    }
    const admin = await signIn(expected.admin)
    const { organisations } = await get(admin, '/api/organisations')
    expect(organisations).toEqual([expect.objectContaining({ id: 'o-hearth', name: 'Hearth telecare service', kind: 'telecare' })])
    const { users } = await get(admin, '/api/users')
    expect(users.map((u: Account) => u.id).sort()).toEqual([expected.admin, ...expected.users].map((u) => u.id).sort())
    for (const user of users) expect(user, user.username).toMatchObject({ organisationId: 'o-hearth', personId: null, disabled: false })
  })

  it('keeps every person with their details, devices and alerts', async () => {
    const admin = await signIn(expected.admin)
    const { persons } = await get(admin, '/api/persons')
    expect(persons.map((p: { id: string }) => p.id).sort()).toEqual(expected.persons.map((p) => p.id).sort())
    for (const person of expected.persons) {
      const page = await get(admin, `/api/persons/${person.id}`)
      expect(page, person.name).toMatchObject(person)
      const devices = expected.devices.filter((d) => d.personId === person.id)
      expect(page.devices.map((d: { id: string }) => d.id).sort()).toEqual(devices.map((d) => d.id).sort())
      for (const device of devices) {
        expect(page.devices.find((d: { id: string }) => d.id === device.id)).toMatchObject({
          type: device.type,
          ...(device.label ? { label: device.label } : {}),
          ...(device.checkInSeconds ? { checkInSeconds: device.checkInSeconds } : {}),
        })
      }
      const alertIds = expected.alerts.filter((a) => a.personId === person.id).map((a) => a.id)
      expect(page.alerts.map((a: { id: string }) => a.id)).toEqual(expect.arrayContaining(alertIds))
    }
  })

  it("gives each person's circle the Hearth telecare service, for direct care, with every scope", async () => {
    const supervisor = await signIn(SUPERVISOR)
    for (const person of expected.persons) {
      const { members } = await get(supervisor, `/api/persons/${person.id}/circle`)
      expect(members, person.name).toHaveLength(1)
      expect(members[0]).toMatchObject({ personId: person.id, organisationId: 'o-hearth', userId: null, basis: 'direct-care', active: true, to: null, endedAt: null })
      expect([...members[0].scopes].sort()).toEqual([...SCOPES].sort())
      const { access } = await get(supervisor, `/api/persons/${person.id}`)
      expect(access).toMatchObject({ basis: 'direct-care', circleAdmin: true, canActOnAlerts: true, canEditPerson: true, breakGlass: null })
      expect([...access.scopes].sort()).toEqual([...SCOPES].sort())
    }
  })

  it('shows the responder every person, the open alert in their queue, and the resolved alarm with its history and note', async () => {
    const responder = await signIn(RESPONDER)
    const { persons } = await get(responder, '/api/persons')
    expect(persons).toHaveLength(expected.persons.length)
    for (const person of expected.persons) {
      const page = await get(responder, `/api/persons/${person.id}`)
      expect(page).toMatchObject({ name: person.name, address: person.address, medicalNotes: person.medicalNotes, contacts: person.contacts })
    }

    const { alerts: queue } = await get(responder, '/api/alerts/queue')
    const open = queue.find((a: { id: string }) => a.id === OPEN.id)
    expect(open).toMatchObject({ personId: OPEN.personId, deviceId: OPEN.deviceId, kind: OPEN.kind, priority: OPEN.priority })
    // Still open; once its resolve deadline has passed the escalation policy puts it back in the queue, unacknowledged.
    expect(['raised', 'acknowledged']).toContain(open.status)
    const openHistory = (await get(responder, `/api/alerts/${OPEN.id}`)).history
    expect(openHistory.slice(0, OPEN.history.length).map((h: { action: string; by: string | null; detail: string | null }) => ({ action: h.action, by: h.by, detail: h.detail }))).toEqual(OPEN.history)
    const { alerts: all } = await get(responder, '/api/alerts?status=all')
    expect(all.map((a: { id: string }) => a.id)).toEqual(expect.arrayContaining(expected.alerts.map((a) => a.id)))

    const resolved = await get(responder, `/api/alerts/${RESOLVED.id}`)
    expect(resolved).toMatchObject({
      personId: RESOLVED.personId,
      kind: RESOLVED.kind,
      status: 'resolved',
      outcome: RESOLVED.outcome,
      note: RESOLVED.note,
      acknowledgedBy: RESOLVED.acknowledgedBy,
      resolvedBy: RESOLVED.resolvedBy,
    })
    expect(resolved.history.map((h: { action: string; by: string | null; detail: string | null }) => ({ action: h.action, by: h.by, detail: h.detail }))).toEqual(RESOLVED.history)

    const { alarms } = await get(responder, `/api/persons/${RESOLVED.personId}/alarms`)
    expect(alarms.find((a: { alertId: string }) => a.alertId === RESOLVED.id)).toMatchObject({ status: 'resolved', outcome: RESOLVED.outcome, note: RESOLVED.note })

    // Handling recorded by username before organisations existed is labelled with who did it now.
    const { items } = await get(responder, `/api/persons/${RESOLVED.personId}/timeline`)
    const resolvedItem = items.find((i: { alertId?: string; type: string }) => i.alertId === RESOLVED.id && i.type === 'resolved')
    expect(resolvedItem).toMatchObject({ by: RESPONDER.displayName, organisation: 'Hearth telecare service', role: 'responder' })
  })

  it('keeps the care settings history, thresholds and planned absences, and shows them on the timeline', async () => {
    const clinician = await signIn(CLINICIAN)
    for (const { personId, versions } of expected.careSettings) {
      const history = await get(clinician, `/api/persons/${personId}/settings/history`)
      expect(history.versions.map((v: { version: number; changedBy: string; reason: string }) => ({ version: v.version, changedBy: v.changedBy, reason: v.reason }))).toEqual(versions)
    }
    const thresholds = await get(clinician, `/api/persons/${EDITH.id}/thresholds`)
    expect(thresholds.version).toBe(expected.edithThresholds.version)
    expect(thresholds.thresholds.filter((t: { source: string }) => t.source === 'person')).toEqual(expected.edithThresholds.own)
    expect((await get(clinician, `/api/persons/${ARTHUR.id}/settings`)).settings).toEqual(expected.arthurSettings)

    const { absences } = await get(clinician, `/api/persons/${MARGARET.id}/absences`)
    expect(absences).toEqual(expected.absences.map((a) => expect.objectContaining(a)))

    const responder = await signIn(RESPONDER)
    const { items } = await get(responder, `/api/persons/${EDITH.id}/timeline`)
    const changes = items.filter((i: { source: string }) => i.source === 'care-settings').map((i: { text: string }) => i.text)
    const edithVersions = expected.careSettings.find((c) => c.personId === EDITH.id)?.versions ?? []
    expect(changes).toHaveLength(edithVersions.length)
    for (const v of edithVersions) expect(changes.some((text: string) => text.includes(v.reason)), `version ${v.version}`).toBe(true)
    const absenceItems = (await get(responder, `/api/persons/${MARGARET.id}/timeline`)).items.filter((i: { source: string }) => i.source === 'absence')
    expect(absenceItems.length).toBeGreaterThan(0)
  })

  it('still takes the API token with Authorization: Bearer', async () => {
    const integration = new TestApi((running as NonNullable<typeof running>).httpUrl)
    const bearer = { authorization: `Bearer ${expected.token.token}` }
    const alerts = await integration.request('GET', '/api/alerts?status=all', undefined, bearer)
    expect(alerts.status).toBe(200)
    expect(alerts.body.alerts.map((a: { id: string }) => a.id)).toEqual(expect.arrayContaining(expected.alerts.map((a) => a.id)))
    const persons = await integration.request('GET', '/api/persons', undefined, bearer)
    expect(persons.status).toBe(200)
    expect(persons.body.persons).toHaveLength(expected.persons.length)
    const { tokens } = await get(await signIn(expected.admin), '/api/tokens')
    expect(tokens).toEqual([expect.objectContaining({ id: expected.token.id, name: expected.token.name, roles: expected.token.roles, organisationId: 'o-hearth', revokedAt: null })])
    expect(JSON.stringify(tokens)).not.toContain(expected.token.token)
  })

  it('lets every device connect with its old secret, and a press reaches the responder and back', async () => {
    for (const device of expected.devices) {
      const client = await connectDevice(running!.mqttUrl, device)
      await client.endAsync()
    }
    const first = expected.devices[0] as Expected['devices'][0]
    await expect(connectDevice(running!.mqttUrl, { id: first.id, secret: `${first.secret}x` })).rejects.toThrow()

    const responder = await signIn(RESPONDER)
    live = await connectLive(responder)
    const device = expected.devices.find((d) => d.personId === EDITH.id && d.type === 'pendant') as Expected['devices'][0]
    pendant = new VirtualDevice({ id: device.id, secret: device.secret }, running!.mqttUrl)
    await pendant.connect()
    const raisedSeen = nextAlert(live, (a) => a.deviceId === device.id && a.kind === 'alarm.pressed' && a.status === 'raised')
    await pendant.event('alarm.pressed')
    const raised = await raisedSeen
    expect(raised).toMatchObject({ personId: EDITH.id, personName: EDITH.name, kind: 'alarm.pressed', priority: 'emergency' })
    expect(expected.alerts.map((a) => a.id)).not.toContain(raised.id)

    const heard = new Promise<DeviceCommand>((resolve) => pendant?.once('command', resolve))
    const ack = await responder.request('POST', `/api/alerts/${raised.id}/acknowledge`)
    expect(ack.status).toBe(200)
    expect(await heard).toMatchObject({ type: 'alarm.acknowledged', alertId: raised.id })
    live.disconnect()
    live = undefined
    await pendant.close()
    pendant = undefined
  })

  it('changes nothing more when started again', async () => {
    const admin = await signIn(expected.admin)
    const snapshot = async (api: TestApi) => ({
      organisations: (await get(api, '/api/organisations')).organisations,
      users: (await get(api, '/api/users')).users,
      circles: await Promise.all(expected.persons.map(async (p) => (await get(api, `/api/persons/${p.id}/circle`)).members)),
    })
    const first = { api: await snapshot(admin), db: readUpgrade(dbPath) }

    await running?.platform.close()
    running = undefined
    running = await startOn(dataDir)

    expect(schemaVersionOf(dbPath)).toBe(LATEST_SCHEMA)
    expect(readUpgrade(dbPath)).toEqual(first.db)
    expect(await snapshot(await signIn(expected.admin))).toEqual(first.api)
    const again = readTables(dbPath)
    for (const [table, rows] of Object.entries(before)) expect(again[table], table).toEqual(expect.arrayContaining(rows))
    for (const account of expected.users) await signIn(account)
  })
})
