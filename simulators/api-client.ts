import type { Alert, DeviceType, ThresholdInput } from '../contract/index.js'

/** The few platform API calls a simulator needs to set up homes, as any integration would make them. */
export class ApiClient {
  private cookie = ''

  /** `metricsToken`: the platform's HEARTH_METRICS_TOKEN, for `metric`. */
  constructor(
    private readonly baseUrl: string,
    private readonly options: { metricsToken?: string } = {},
  ) {}

  /** Any call of the platform's API, as the signed-in user; an error answer throws with its message. */
  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(new URL(path, this.baseUrl), {
      method,
      headers: { 'content-type': 'application/json', ...(this.cookie ? { cookie: this.cookie } : {}) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    const setCookie = response.headers.get('set-cookie')
    if (setCookie) this.cookie = setCookie.split(';')[0] ?? ''
    const text = await response.text()
    const parsed: unknown = text ? JSON.parse(text) : undefined
    if (!response.ok) {
      const message = (parsed as { error?: { message?: string } } | undefined)?.error?.message ?? text
      throw new Error(`${method} ${path} failed (${response.status}): ${message}`)
    }
    return parsed as T
  }

  async login(username: string, password: string): Promise<void> {
    await this.request('POST', '/api/auth/login', { username, password })
  }

  createPerson(name: string, details: { timeZone?: string } = {}): Promise<{ id: string; name: string }> {
    return this.request('POST', '/api/persons', { name, ...details })
  }

  provisionDevice(type: DeviceType, personId: string, details: { checkInSeconds?: number } = {}): Promise<{ id: string; secret: string }> {
    return this.request('POST', '/api/devices', { type, personId, ...details })
  }

  putThresholds(personId: string, thresholds: readonly ThresholdInput[], reason: string): Promise<{ version: number }> {
    return this.request('PUT', `/api/persons/${encodeURIComponent(personId)}/thresholds`, { thresholds, reason })
  }

  patchSettings(personId: string, settings: Record<string, unknown>, reason: string): Promise<{ version: number }> {
    return this.request('PATCH', `/api/persons/${encodeURIComponent(personId)}/settings`, { ...settings, reason })
  }

  addAbsence(personId: string, absence: { from: string; to: string; reason: string }): Promise<{ id: string }> {
    return this.request('POST', `/api/persons/${encodeURIComponent(personId)}/absences`, absence)
  }

  /** The person's alerts, newest first (with their full details). */
  async alertsOf(personId: string): Promise<Alert[]> {
    const person = await this.request<{ alerts: Alert[] }>('GET', `/api/persons/${encodeURIComponent(personId)}`)
    return person.alerts
  }

  /** What happened to an alert, oldest first. */
  async alertHistory(alertId: string): Promise<Array<{ at: string; action: string; by: string | null; detail: string | null }>> {
    const alert = await this.request<{ history: Array<{ at: string; action: string; by: string | null; detail: string | null }> }>('GET', `/api/alerts/${encodeURIComponent(alertId)}`)
    return alert.history
  }

  /** A counter's value from the Prometheus endpoint, read with the metrics token (0 when it has not been counted yet). */
  async metric(series: string): Promise<number> {
    const token = this.options.metricsToken
    const response = await fetch(new URL('/metrics', this.baseUrl), token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } })
    if (!response.ok) throw new Error(`GET /metrics failed (${response.status}): ${token === undefined ? 'no metrics token given' : 'is it the platform\'s HEARTH_METRICS_TOKEN?'}`)
    const text = await response.text()
    const line = text.split('\n').find((l) => l.startsWith(`${series} `))
    return line ? Number(line.slice(series.length + 1)) : 0
  }
}
