import type { Logger } from 'pino'
import { Writable } from 'node:stream'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt'
import { io, type Socket } from 'socket.io-client'
import type { Alert, Clock, DeviceType, ServerToClientEvents } from '../contract/index.js'
import { loadConfig } from '../platform/config.js'
import { createLogger } from '../platform/logger.js'
import { startPlatform, type PlatformOptions, type RunningPlatform } from '../platform/start-platform.js'
import { fetchTrusting } from './trusting-fetch.js'

export const ADMIN_PASSWORD = 'test-admin-password-1'
/** HEARTH_METRICS_TOKEN of the platforms the harness starts: /metrics on the HTTP port answers it only. */
export const METRICS_TOKEN = 'test-metrics-token-0123456789'
/** The header that reads /metrics on a platform the harness started. */
export const METRICS_AUTHORIZATION = { authorization: `Bearer ${METRICS_TOKEN}` }

export function tempDir(prefix = 'hearth-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix))
}

/** A signed-in HTTP client for the platform's API. */
export class TestApi {
  cookie = ''
  /** `ca`: the PEM certificate that vouches for an `https://` baseUrl the system does not trust. */
  constructor(
    readonly baseUrl: string,
    readonly ca?: string,
  ) {}

  async request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
    const init = {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(this.cookie ? { cookie: this.cookie } : {}), ...headers },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    }
    const url = `${this.baseUrl}${path}`
    const response = await (this.ca === undefined ? fetch(url, init) : fetchTrusting(this.ca, url, init))
    const setCookie = response.headers.get('set-cookie')
    if (setCookie) this.cookie = setCookie.split(';')[0] ?? ''
    const text = await response.text()
    let parsed: unknown = text
    try {
      parsed = text ? JSON.parse(text) : undefined
    } catch {
      // not JSON (metrics, static files): keep the text
    }
    return { status: response.status, body: parsed }
  }

  /** The platform's metrics (Prometheus text), read with the harness's metrics token. */
  metrics(): Promise<{ status: number; body: any }> {
    return this.request('GET', '/metrics', undefined, METRICS_AUTHORIZATION)
  }

  async login(username = 'admin', password = ADMIN_PASSWORD): Promise<void> {
    const { status, body } = await this.request('POST', '/api/auth/login', { username, password })
    if (status !== 200) throw new Error(`login failed: ${status} ${JSON.stringify(body)}`)
  }

  async createPerson(name = 'Ada Lovelace'): Promise<string> {
    const { status, body } = await this.request('POST', '/api/persons', { name })
    if (status !== 201) throw new Error(`create person failed: ${status} ${JSON.stringify(body)}`)
    return (body as { id: string }).id
  }

  async provision(type: DeviceType, personId: string, id?: string): Promise<{ id: string; secret: string }> {
    const { status, body } = await this.request('POST', '/api/devices', { type, personId, ...(id ? { id } : {}) })
    if (status !== 201) throw new Error(`provision failed: ${status} ${JSON.stringify(body)}`)
    return body as { id: string; secret: string }
  }
}

export interface TestPlatform {
  platform: RunningPlatform
  dataDir: string
  /** `https://` when the platform holds a key and certificate (HEARTH_TLS_KEY_FILE), `http://` otherwise. */
  httpUrl: string
  /** Over HTTPS, the certificate (self-signed, so its own CA) that TestApi, liveAnswer and connectLive trust. */
  ca?: string
  mqttUrl: string
  api: TestApi
  close(): Promise<void>
}

/**
 * Starts the whole platform in this process on free loopback ports with a real data dir; `env`
 * goes over the defaults, and `undefined` takes one away (HEARTH_METRICS_TOKEN). `options` as
 * startPlatform takes them (shorter sign-in limits).
 */
export async function startTestPlatform(
  dataDir = tempDir(),
  env: Record<string, string | undefined> = {},
  clock?: Clock,
  logger?: Logger,
  options: PlatformOptions = {},
): Promise<TestPlatform> {
  const config = loadConfig({
    HEARTH_METRICS_TOKEN: METRICS_TOKEN,
    ...env,
    HEARTH_DATA_DIR: dataDir,
    HEARTH_HOST: '127.0.0.1',
    HEARTH_HTTP_PORT: '0',
    HEARTH_MQTT_PORT: '0',
    HEARTH_ADMIN_PASSWORD: ADMIN_PASSWORD,
  })
  const platform = await startPlatform(config, logger ?? createLogger(process.env.HEARTH_TEST_LOG ?? 'silent'), clock, options)
  const ca = config.tls?.cert.toString()
  const httpUrl = `${ca === undefined ? 'http' : 'https'}://127.0.0.1:${platform.httpPort}`
  const api = new TestApi(httpUrl, ca)
  await api.login()
  return { platform, dataDir, httpUrl, ...(ca === undefined ? {} : { ca }), mqttUrl: `mqtt://127.0.0.1:${platform.mqttPort}`, api, close: () => platform.close() }
}

/** The platform as startTestPlatform starts it, its log lines (level info and up) parsed into `lines` as they are written. */
export function startLoggedPlatform(lines: Array<Record<string, unknown>>): Promise<TestPlatform> {
  const capture = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>)
      done()
    },
  })
  return startTestPlatform(tempDir(), {}, undefined, createLogger('info', capture))
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true })
}

/** A device connection as PROTOCOL §1 describes it. */
export function connectDevice(mqttUrl: string, device: { id: string; secret: string }, extra: IClientOptions = {}): Promise<MqttClient> {
  return connectAsync(mqttUrl, {
    clientId: device.id,
    username: device.id,
    password: device.secret,
    clean: false,
    reconnectPeriod: 0,
    ...extra,
  })
}

/** What the live feed says to a connection that sends these headers: `ready`, or `refused: <why>`. */
export async function liveAnswer(url: string, headers: Record<string, string>, ca?: string): Promise<string> {
  const socket = io(url, { transports: ['websocket'], reconnection: false, extraHeaders: headers, ...(ca === undefined ? {} : { ca }) })
  try {
    return await new Promise<string>((resolve) => {
      socket.once('ready', () => resolve('ready'))
      socket.once('connect_error', (error) => resolve(`refused: ${error.message}`))
    })
  } finally {
    socket.close()
  }
}

/**
 * A new user of the admin's organisation (or the one given), signed in: their password is
 * `<username>-password-1`.
 */
export async function signedInUser(t: TestPlatform, username: string, roles: string[], organisationId?: string): Promise<{ id: string; api: TestApi }> {
  const organisation = organisationId ?? ((await t.api.request('GET', '/api/auth/me')).body as { user: { organisationId: string } }).user.organisationId
  const made = await t.api.request('POST', '/api/users', { username, password: `${username}-password-1`, organisationId: organisation, roles })
  if (made.status !== 201) throw new Error(`user ${username} not made: ${made.status} ${JSON.stringify(made.body)}`)
  const api = new TestApi(t.httpUrl, t.ca)
  await api.login(username, `${username}-password-1`)
  return { id: (made.body as { id: string }).id, api }
}

/** A live dashboard connection, signed in with the API's session. */
export async function connectLive(api: TestApi): Promise<Socket<ServerToClientEvents>> {
  const socket: Socket<ServerToClientEvents> = io(api.baseUrl, {
    extraHeaders: { cookie: api.cookie },
    transports: ['websocket'],
    reconnection: false,
    ...(api.ca === undefined ? {} : { ca: api.ca }),
  })
  await new Promise<void>((resolve, reject) => {
    socket.once('ready', () => resolve())
    socket.once('connect_error', reject)
  })
  return socket
}

/** Resolves with the first value for which `pick` returns something. */
export function nextMessage<T>(client: MqttClient, pick: (topic: string, payload: Buffer) => T | undefined): Promise<T> {
  return new Promise((resolve) => {
    const onMessage = (topic: string, payload: Buffer): void => {
      const value = pick(topic, payload)
      if (value !== undefined) {
        client.off('message', onMessage)
        resolve(value)
      }
    }
    client.on('message', onMessage)
  })
}

export function nextAlert(socket: Socket<ServerToClientEvents>, match: (alert: Alert) => boolean): Promise<Alert> {
  return new Promise((resolve) => {
    const onAlert = (alert: Alert): void => {
      if (match(alert)) {
        socket.off('alert', onAlert)
        resolve(alert)
      }
    }
    socket.on('alert', onAlert)
  })
}

/** Polls until `check` returns a value (for effects that have no event to wait on, such as a batch write). */
export async function eventually<T>(check: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

/**
 * Does what should raise an alert (a device's event), then waits for the new alert as `api` sees it
 * among the open ones: the first not there before that `matches`.
 */
export async function raisedBy(api: TestApi, send: () => Promise<unknown>, what: string, matches: (alert: Alert) => boolean = () => true): Promise<Alert> {
  const before = new Set(((await api.request('GET', '/api/alerts?status=all')).body.alerts as Alert[]).map((a) => a.id))
  await send()
  return eventually(async () => ((await api.request('GET', '/api/alerts')).body.alerts as Alert[]).find((a) => !before.has(a.id) && matches(a)), what)
}

/** A platform clock that stands still until a test moves it: days of rules in milliseconds. */
export class ManualClock implements Clock {
  constructor(private ms: number) {}
  now(): number {
    return this.ms
  }
  set(ms: number): void {
    if (ms < this.ms) throw new Error('the clock only moves forward')
    this.ms = ms
  }
}
