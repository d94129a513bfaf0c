import type { DeviceType } from '../contract/index.js'

/** The few platform API calls a simulator needs to set up homes, as any integration would make them. */
export class ApiClient {
  private cookie = ''

  constructor(private readonly baseUrl: string) {}

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
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
    await this.call('POST', '/api/auth/login', { username, password })
  }

  createPerson(name: string): Promise<{ id: string; name: string }> {
    return this.call('POST', '/api/persons', { name })
  }

  provisionDevice(type: DeviceType, personId: string): Promise<{ id: string; secret: string }> {
    return this.call('POST', '/api/devices', { type, personId })
  }
}
