import { TestApi } from '../harness/test-platform.js'

/** One action a responder asked for, and whether the platform confirmed it. */
export interface ResponderAction {
  alertId: string
  deviceId: string
  /** The command it must bring to the device. */
  command: 'alarm.acknowledged' | 'alarm.resolved'
  confirmed: boolean
}

interface OpenAlert {
  id: string
  deviceId: string
  kind: string
  status: 'raised' | 'acknowledged' | 'resolved'
}

const POLL_MS = 200

/**
 * A responder at the dashboard, through the HTTP API: takes each open `alarm.pressed` alert of the
 * scenario's pendants (acknowledge: the pendant hears "Your call has been answered"), then closes
 * it (resolve: "Your call has been closed"), so that the next press raises a new alert. Every
 * request is recorded, with whether the platform answered it 200; a request that got no answer
 * (the platform was down) is tried again on a later turn. Other alerts (rules, a device silent
 * while the clock jumped) are counted, not touched.
 */
export class Responder {
  readonly actions: ResponderAction[] = []
  /** Requests that got no answer or an error answer (5xx, the platform away or its disk full). */
  failures = 0
  otherAlerts = new Map<string, string>()
  private running = false
  private loop: Promise<void> | undefined
  private readonly api: TestApi

  constructor(
    baseUrl: string,
    private readonly pendants: ReadonlySet<string>,
    private readonly password: string,
  ) {
    this.api = new TestApi(baseUrl)
  }

  /** Alerts of the pendants still open at the last look, or undefined before a successful look. */
  openPendantAlerts: number | undefined

  start(): void {
    this.running = true
    this.loop = this.run()
  }

  async stop(): Promise<void> {
    this.running = false
    await this.loop
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        await this.turn()
      } catch {
        this.failures++
        this.openPendantAlerts = undefined
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS))
    }
  }

  private async call(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
    let answer = await this.api.request(method, path, body)
    if (answer.status === 401) {
      // A session can end under a fault (a clock that jumped past its expiry): sign in again.
      await this.api.login('admin', this.password)
      answer = await this.api.request(method, path, body)
    }
    return answer
  }

  private async turn(): Promise<void> {
    const list = await this.call('GET', '/api/alerts?status=open&limit=1000')
    if (list.status !== 200) {
      this.failures++
      this.openPendantAlerts = undefined
      return
    }
    const alerts = (list.body as { alerts: OpenAlert[] }).alerts
    const ours = alerts.filter((a) => a.kind === 'alarm.pressed' && this.pendants.has(a.deviceId))
    for (const a of alerts) if (!ours.includes(a)) this.otherAlerts.set(a.id, a.kind)
    this.openPendantAlerts = ours.length
    // Oldest first, as a responder works the queue.
    for (const alert of ours.reverse()) {
      if (!this.running) return
      if (alert.status === 'raised') await this.act(alert, 'acknowledge', 'alarm.acknowledged')
      await this.act(alert, 'resolve', 'alarm.resolved')
    }
  }

  private async act(alert: OpenAlert, action: 'acknowledge' | 'resolve', command: ResponderAction['command']): Promise<void> {
    const record: ResponderAction = { alertId: alert.id, deviceId: alert.deviceId, command, confirmed: false }
    this.actions.push(record)
    let status = 0
    try {
      const body = action === 'resolve' ? { outcome: 'false-alarm', note: 'pressed in a fault scenario' } : undefined
      status = (await this.call('POST', `/api/alerts/${encodeURIComponent(alert.id)}/${action}`, body)).status
    } catch {
      // No answer: whether the platform took it is unknown; the alert's status on the next look tells.
    }
    record.confirmed = status === 200
    if (status !== 200) this.failures++
  }
}
