import { EventEmitter } from 'node:events'
import { Secret, TOTP } from 'otpauth'
import { expect, vi } from 'vitest'
import { VirtualDevice } from '../../simulators/virtual-device.js'
import { TestApi, eventually, removeDir, signedInUser, startTestPlatform, tempDir, type TestPlatform } from '../../harness/test-platform.js'

/**
 * The people, organisations, users and objects the access matrix (test/security/access-matrix.test.ts)
 * asks about, on one real platform: written out by hand, never read from the policy it checks.
 */

export const ROLES = ['admin', 'org-admin', 'responder', 'supervisor', 'clinician', 'social-worker', 'housing-officer', 'volunteer', 'family-carer', 'person'] as const
export type Role = (typeof ROLES)[number]

export const SCOPES = ['alerts', 'vitals', 'medical-notes', 'care-settings', 'contacts', 'access-details', 'timeline', 'notes:write', 'absences:write'] as const
export type Scope = (typeof SCOPES)[number]

/** The reduced place in a circle: no medical notes, access details, vital signs or planning absences. */
export const REDUCED: readonly Scope[] = ['alerts', 'care-settings', 'contacts', 'timeline', 'notes:write']

/**
 * Where the caller stands towards what a request is about. About a person: `full` (in their circle
 * with every scope; for role `person`, their own record), `reduced` (in it with REDUCED), `outside`.
 * About a user: `own-org` (of the caller's organisation) or `other-org`. `any`: about nobody.
 */
export type Place = 'full' | 'reduced' | 'outside' | 'own-org' | 'other-org' | 'any'
export type PersonPlace = 'full' | 'reduced' | 'outside'

/**
 * What one request uses up when it succeeds: the next request gets a fresh one. About a user:
 * `user` (a volunteer's account), `enrolled` (one with two-factor sign-in on). About a person:
 * `archivable` (nothing provisioned, no alert open), `archived`.
 */
export type Kind = 'alert' | 'follow-up' | 'membership' | 'absence' | 'device' | 'token' | 'stranger' | 'user' | 'enrolled' | 'archivable' | 'archived'

export const MEDICAL_NOTES = 'Atrial fibrillation, on apixaban.'
export const ACCESS_DETAILS = 'Key safe left of the front door, code 4721.'
const DETAILS = { medicalNotes: MEDICAL_NOTES, contacts: [{ name: 'Byron', relationship: 'son', phone: '07700 900001', keyHolder: true }], accessDetails: ACCESS_DETAILS }

interface Answer {
  status: number
  body: any
}

/** Who sends a request: a signed-in user (session cookie) or an API token (bearer). */
export interface Caller {
  role: Role
  username: string
  password: string
  viaToken: boolean
  send(method: string, path: string, body?: unknown): Promise<Answer>
}

const DAY = 86_400_000

export class World {
  private readonly made = new Map<string, Promise<string>>()
  private readonly tokens = new Map<string, Caller>()
  private counter = 0

  private constructor(
    readonly t: TestPlatform,
    private readonly dataDir: string,
    private readonly app: unknown,
    readonly orgs: { home: string; monitor: string; spare: string },
    readonly persons: Record<PersonPlace, string>,
    /** A second person at each place, nobody's own record: where a device moves to. */
    readonly neighbours: Record<PersonPlace, string>,
    readonly users: Record<'own-org' | 'other-org', string>,
    private readonly keeper: TestApi,
    private readonly pendants: Record<PersonPlace, VirtualDevice>,
    readonly callers: Map<Role, Caller>,
  ) {}

  /**
   * The matrix's users, one per role, all of organisation `home` (a telecare service); `full` is
   * monitored by `home` and by `monitor`, `reduced` by `monitor` with `home` in its circle by
   * REDUCED, `outside` by `monitor` alone. The keeper (a supervisor of `monitor`, in every one of
   * those circles) makes fresh objects for requests that use one up.
   */
  static async start(): Promise<World> {
    const dataDir = tempDir()
    const { t, app } = await startCatchingApp(dataDir)
    const org = async (name: string, kind: string): Promise<string> => ok(await t.api.request('POST', '/api/organisations', { name, kind }), 201).id as string
    const orgs = { home: await org('Northshire Telecare', 'telecare'), monitor: await org('Riverside Telecare', 'telecare'), spare: await org('Age Friends', 'voluntary') }
    const person = async (name: string, monitoredBy: string): Promise<string> => ok(await t.api.request('POST', '/api/persons', { name, monitoredBy, ...DETAILS }), 201).id as string
    const member = async (personId: string, body: Record<string, unknown>): Promise<void> => void ok(await t.api.request('POST', `/api/persons/${personId}/circle`, { relationship: 'matrix', ...body }), 201)

    const full = await person('Ada Full', orgs.home)
    await member(full, { organisationId: orgs.monitor, scopes: SCOPES, basis: 'direct-care' })
    const callers = new Map<Role, Caller>()
    let personUser = ''
    for (const role of ROLES) {
      const username = `matrix.${role}`
      const password = `${username}-password-1`
      let api: TestApi
      if (role === 'person') {
        personUser = ok(await t.api.request('POST', '/api/users', { username, password, organisationId: orgs.home, roles: ['person'], personId: full }), 201).id as string
        api = new TestApi(t.httpUrl)
        await api.login(username, password)
      } else {
        api = (await signedInUser(t, username, [role], orgs.home)).api
      }
      callers.set(role, { role, username, password, viaToken: false, send: (method, path, body) => api.request(method, path, body) })
    }
    const reduced = await person('Bea Reduced', orgs.monitor)
    await member(reduced, { organisationId: orgs.home, scopes: REDUCED, basis: 'direct-care' })
    await member(reduced, { userId: personUser, scopes: REDUCED, basis: 'consent' })
    const outside = await person('Cyd Outside', orgs.monitor)
    const persons = { full, reduced, outside }

    const target = async (username: string, organisationId: string): Promise<string> =>
      ok(await t.api.request('POST', '/api/users', { username, password: `${username}-password-1`, organisationId, roles: ['volunteer'] }), 201).id as string
    const users = { 'own-org': await target('target.home', orgs.home), 'other-org': await target('target.monitor', orgs.monitor) }

    const keeper = (await signedInUser(t, 'keeper', ['supervisor'], orgs.monitor)).api
    const pendant = async (personId: string): Promise<VirtualDevice> => {
      const device = new VirtualDevice(ok(await keeper.request('POST', '/api/devices', { type: 'pendant', personId }), 201), t.mqttUrl)
      await device.connect()
      return device
    }
    const pendants = { full: await pendant(full), reduced: await pendant(reduced), outside: await pendant(outside) }
    const neighbours = { full: await personAt(t.api, orgs, 'full', 'Eli Full'), reduced: await personAt(t.api, orgs, 'reduced', 'Flo Reduced'), outside: await personAt(t.api, orgs, 'outside', 'Gus Outside') }
    return new World(t, dataDir, app, orgs, persons, neighbours, users, keeper, pendants, callers)
  }

  caller(role: Role): Caller {
    return this.callers.get(role) as Caller
  }

  /** A new session of the caller's (a token is its own: it has none). */
  async freshSession(caller: Caller): Promise<Caller> {
    if (caller.viaToken) return caller
    const api = new TestApi(this.t.httpUrl)
    await api.login(caller.username, caller.password)
    return { ...caller, send: (method, path, body) => api.request(method, path, body) }
  }

  /** The caller signs in again: for when a request of theirs ended their other sessions. */
  async renew(caller: Caller): Promise<void> {
    const api = new TestApi(this.t.httpUrl)
    await api.login(caller.username, caller.password)
    this.callers.set(caller.role, { ...caller, send: (method, path, body) => api.request(method, path, body) })
  }

  /** Nobody signed in. */
  anonymous(caller: Caller): Caller {
    const api = new TestApi(this.t.httpUrl)
    return { ...caller, viaToken: false, send: (method, path, body) => api.request(method, path, body) }
  }

  /** An API token with these roles, made by `owner` (an admin of `home`); it compares with `like`. */
  async tokenOf(owner: Caller, roles: Role[], like: Role): Promise<Caller> {
    const key = `${owner.username}:${roles.join(',')}`
    const known = this.tokens.get(key)
    if (known) return known
    const token = ok(await owner.send('POST', '/api/tokens', { name: `matrix ${roles.join(' ')}`, roles }), 201).token as string
    const api = new TestApi(this.t.httpUrl)
    const caller: Caller = { ...owner, role: like, viaToken: true, send: (method, path, body) => api.request(method, path, body, { authorization: `Bearer ${token}` }) }
    this.tokens.set(key, caller)
    return caller
  }

  /** 1, 2, 3…: for names and values no request has sent before. */
  next(): number {
    return ++this.counter
  }

  uniqueName(prefix: string): string {
    return `${prefix}.${this.next()}`
  }

  person(place: Place): string {
    return this.persons[place as PersonPlace]
  }

  neighbour(place: Place): string {
    return this.neighbours[place as PersonPlace]
  }

  /** A new account of the role in `home`, signed in; for role `person`, another account of the person at `full`. */
  async newCaller(role: Role): Promise<Caller> {
    const username = this.uniqueName(`matrix.${role}`)
    const password = `${username}-password-1`
    const personId = role === 'person' ? { personId: this.persons.full } : {}
    ok(await this.t.api.request('POST', '/api/users', { username, password, organisationId: this.orgs.home, roles: [role], ...personId }), 201)
    const api = new TestApi(this.t.httpUrl)
    await api.login(username, password)
    return { role, username, password, viaToken: false, send: (method, path, body) => api.request(method, path, body) }
  }

  /** The object of this kind for this place, made once and kept until a request uses it up. */
  fresh(kind: Kind, place: Place): Promise<string> {
    const key = `${kind}@${place}`
    let made = this.made.get(key)
    if (!made) {
      made = this.make(kind, place)
      this.made.set(key, made)
    }
    return made
  }

  spent(kind: Kind, place: Place): void {
    this.made.delete(`${kind}@${place}`)
  }

  private async make(kind: Kind, place: Place): Promise<string> {
    const personId = this.person(place)
    const keeper = (method: string, path: string, body?: unknown) => this.keeper.request(method, path, body)
    switch (kind) {
      case 'alert':
        return this.raiseAlert(place as PersonPlace)
      case 'follow-up': {
        const alertId = await this.fresh('alert', place)
        return ok(await keeper('POST', `/api/alerts/${alertId}/follow-ups`, { inMinutes: 120, note: 'ring back to check' }), 201).id
      }
      case 'membership':
        return ok(await keeper('POST', `/api/persons/${personId}/circle`, { organisationId: this.orgs.spare, relationship: 'befriending service', scopes: ['timeline'], basis: 'consent' }), 201).id
      case 'absence': {
        const from = Date.now() + 30 * DAY
        return ok(await keeper('POST', `/api/persons/${personId}/absences`, { from: new Date(from).toISOString(), to: new Date(from + DAY).toISOString(), reason: 'visiting family' }), 201).id
      }
      case 'device':
        return ok(await keeper('POST', '/api/devices', { type: 'motion-sensor', personId }), 201).id
      case 'token':
        return ok(await this.t.api.request('POST', '/api/tokens', { name: 'spare', roles: ['volunteer'] }), 201).id
      case 'stranger':
        return ok(await keeper('POST', '/api/persons', { name: 'Dee Stranger', ...DETAILS }), 201).id
      case 'user':
      case 'enrolled': {
        const username = this.uniqueName('matrix.target')
        const organisationId = place === 'own-org' ? this.orgs.home : this.orgs.monitor
        const id = ok(await this.t.api.request('POST', '/api/users', { username, password: `${username}-password-1`, organisationId, roles: ['volunteer'] }), 201).id as string
        if (kind === 'enrolled') {
          const api = new TestApi(this.t.httpUrl)
          await api.login(username, `${username}-password-1`)
          await enrol((method, path, body) => api.request(method, path, body), `${username}-password-1`)
        }
        return id
      }
      case 'archivable':
        return personAt(this.t.api, this.orgs, place as PersonPlace, 'Eda Archivable')
      case 'archived': {
        const id = await personAt(this.t.api, this.orgs, place as PersonPlace, 'Fay Archived')
        ok(await keeper('POST', `/api/persons/${id}/archive`, { reason: 'moved into residential care' }), 200)
        return id
      }
    }
  }

  /** A new open alert about the place's person: the keeper closes what the pendant raised before, and it is pressed again. */
  private async raiseAlert(place: PersonPlace): Promise<string> {
    const pendant = this.pendants[place]
    const openOf = async (): Promise<Array<{ id: string }>> =>
      (ok(await this.keeper.request('GET', '/api/alerts?status=open'), 200).alerts as Array<{ id: string; deviceId: string }>).filter((a) => a.deviceId === pendant.id)
    for (const before of await openOf()) ok(await this.keeper.request('POST', `/api/alerts/${before.id}/resolve`, { outcome: 'false-alarm' }), 200)
    await pendant.event('alarm.pressed')
    return eventually(async () => (await openOf())[0]?.id, `an alert from ${pendant.id}`)
  }

  /** Every `/api` route the running dashboard serves, as `METHOD /api/path/:param`. */
  apiRoutes(): string[] {
    const router = (this.app as { router: { stack: Layer[] } }).router
    return [...new Set(routesOf(router.stack, ''))].filter((route) => route.split(' ')[1]?.startsWith('/api/')).sort()
  }

  async close(): Promise<void> {
    await Promise.all(Object.values(this.pendants).map((p) => p.close()))
    await this.t.close()
    removeDir(this.dataDir)
  }
}

function ok(answer: Answer, status: number): any {
  if (answer.status !== status) throw new Error(`expected ${status}, got ${answer.status}: ${JSON.stringify(answer.body)}`)
  return answer.body
}

/**
 * A new person standing towards `home` (the matrix's users) as the place says, with nothing
 * provisioned: monitored by `home` with `monitor` in their circle with every scope, monitored by
 * `monitor` with `home` in it by REDUCED, or by `monitor` alone. Nobody's own record.
 */
async function personAt(api: TestApi, orgs: { home: string; monitor: string }, place: PersonPlace, name: string): Promise<string> {
  const id = ok(await api.request('POST', '/api/persons', { name, monitoredBy: place === 'full' ? orgs.home : orgs.monitor }), 201).id as string
  const other = place === 'full' ? { organisationId: orgs.monitor, scopes: SCOPES } : place === 'reduced' ? { organisationId: orgs.home, scopes: REDUCED } : undefined
  if (other) ok(await api.request('POST', `/api/persons/${id}/circle`, { relationship: 'matrix', basis: 'direct-care', ...other }), 201)
  return id
}

/** What an authenticator app shows now for the secret (RFC 6238: SHA-1, 6 digits, 30 s). */
const codeNow = (secret: string): string => TOTP.generate({ secret: Secret.fromBase32(secret), timestamp: Date.now() })

/** Sets up two-factor sign-in on the sender's own account and confirms it with the current code; its recovery codes. */
export async function enrol(send: Caller['send'], password: string): Promise<string[]> {
  const setup = ok(await send('POST', '/api/auth/two-factor/setup'), 200)
  const confirmed = ok(await send('POST', '/api/auth/two-factor/confirm', { code: codeNow(setup.secret as string), password }), 200)
  expect(confirmed.recoveryCodes).toHaveLength(10)
  return confirmed.recoveryCodes as string[]
}

interface Layer {
  rawPath?: unknown
  route?: { path: string; methods: Record<string, boolean> }
  handle?: { stack?: Layer[] }
}

function joinPath(prefix: string, path: string): string {
  return `${prefix}/${path}`.replace(/\/+/g, '/').replace(/(.)\/$/, '$1')
}

function routesOf(stack: readonly Layer[], prefix: string): string[] {
  return stack.flatMap((layer) => {
    if (layer.route) {
      const path = joinPath(prefix, layer.route.path)
      return Object.keys(layer.route.methods).map((method) => `${method.toUpperCase()} ${path}`)
    }
    const nested = layer.handle?.stack
    return nested ? routesOf(nested, joinPath(prefix, typeof layer.rawPath === 'string' ? layer.rawPath : '')) : []
  })
}

/**
 * Starts the platform and catches the express app its dashboard hands to the HTTP server (socket.io
 * wraps the server's listener afterwards, so the app is not to be found on the server later): its
 * router stack is the list of routes actually served.
 */
async function startCatchingApp(dataDir: string): Promise<{ t: TestPlatform; app: unknown }> {
  const on = vi.spyOn(EventEmitter.prototype, 'on')
  let t: TestPlatform
  let app: unknown
  try {
    t = await startTestPlatform(dataDir)
  } finally {
    app = (on.mock.calls as unknown[][]).find(([event, listener]) => event === 'request' && typeof listener === 'function' && 'router' in listener)?.[1]
    on.mockRestore()
  }
  if (!app) throw new Error('the dashboard handed no express app to the HTTP server')
  return { t, app }
}
