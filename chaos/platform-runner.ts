import { killed, spawnPlatform, type PlatformProcess } from '../harness/platform-process.js'
import { METRICS_AUTHORIZATION } from '../harness/test-platform.js'
import { atInterrupt } from './interrupt.js'

const LOG_TAIL_LINES = 60
const RESTART_DELAY_MS = 1000

/**
 * The platform under test as its own process (`node build/platform/main.js`, as `npm start` runs it), on
 * fixed loopback ports so that a platform started again listens where its devices reconnect, and
 * on one data folder for the whole scenario. Like a service manager (systemd's Restart=always),
 * it starts the platform again when it exits by itself, and says so: a fault must not end a
 * scenario early, and a crash is a finding.
 */
export class PlatformRunner {
  running: PlatformProcess | undefined
  /** Exits the scenario did not ask for, each with its code or signal. */
  readonly crashes: string[] = []
  private readonly tail: string[] = []
  private expectingExit = false
  private supervising = true

  constructor(
    readonly dataDir: string,
    readonly ports: { http: number; mqtt: number },
    private readonly env: Record<string, string>,
    private readonly log: (line: string) => void,
  ) {}

  get httpUrl(): string {
    return `http://127.0.0.1:${this.ports.http}`
  }

  get pid(): number {
    const pid = this.running?.child.pid
    if (pid === undefined) throw new Error('the platform is not running')
    return pid
  }

  /** The platform's last lines of output (its warnings and errors), for a report on what went wrong. */
  logTail(): string[] {
    return [...this.tail]
  }

  async start(): Promise<void> {
    this.expectingExit = false
    const running = await spawnPlatform(this.dataDir, { httpPort: this.ports.http, mqttPort: this.ports.mqtt, env: this.env, compiled: true })
    this.running = running
    const forget = atInterrupt(() => running.child.kill('SIGKILL'))
    running.child.once('exit', forget)
    const keep = (chunk: Buffer): void => {
      for (const line of chunk.toString().split('\n')) {
        if (!line.trim()) continue
        this.tail.push(line.slice(0, 400))
        if (this.tail.length > LOG_TAIL_LINES) this.tail.shift()
      }
    }
    running.child.stdout?.on('data', keep)
    running.child.stderr?.on('data', keep)
    running.child.once('exit', (code, signal) => {
      if (this.running === running) this.running = undefined
      if (this.expectingExit || !this.supervising) return
      const why = signal ?? `code ${String(code)}`
      this.crashes.push(why)
      this.log(`platform exited by itself (${why}); starting it again in ${RESTART_DELAY_MS} ms`)
      this.restartLater()
    })
  }

  /** Starts the platform again after a pause, and again after each start that fails, until the scenario ends. */
  private restartLater(): void {
    setTimeout(() => {
      if (this.running || !this.supervising) return
      this.start().catch((error: unknown) => {
        this.log(`platform did not start again: ${String(error)}; trying again in ${RESTART_DELAY_MS} ms`)
        this.restartLater()
      })
    }, RESTART_DELAY_MS)
  }

  /** Sends a signal that ends the platform (SIGKILL, SIGTERM) and resolves once it has exited. */
  async stopWith(signal: NodeJS.Signals): Promise<void> {
    const running = this.running
    if (!running) return
    this.expectingExit = true
    await killed(running.child, signal)
    this.running = undefined
  }

  /** A signal the platform lives through (SIGSTOP, SIGCONT). */
  signal(signal: NodeJS.Signals): void {
    process.kill(this.pid, signal)
  }

  /** The end of the scenario: no more restarts, a clean stop. */
  async shutDown(): Promise<void> {
    this.supervising = false
    if (this.running) {
      // A paused platform cannot stop.
      this.signal('SIGCONT')
      await this.stopWith('SIGTERM')
    }
  }

  /** A counter or gauge from /metrics (summed over labels), or undefined if the platform did not answer. */
  async metrics(names: readonly string[]): Promise<Map<string, number> | undefined> {
    try {
      const response = await fetch(`${this.httpUrl}/metrics`, { headers: METRICS_AUTHORIZATION, signal: AbortSignal.timeout(5000) })
      if (!response.ok) return undefined
      const text = await response.text()
      const values = new Map<string, number>(names.map((n) => [n, 0]))
      for (const line of text.split('\n')) {
        const name = /^([a-z_]+)(?:\{[^}]*\})? /.exec(line)?.[1]
        if (name && values.has(name)) values.set(name, (values.get(name) ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1)))
      }
      return values
    } catch {
      return undefined
    }
  }

  /**
   * Waits until the platform has stored what it took: nothing spooled for a remote store, and the
   * readings written unchanged for `quietMs`. Returns false if that did not happen in `timeoutMs`.
   */
  async settled(quietMs: number, timeoutMs: number): Promise<boolean> {
    const names = ['hearth_readings_written_total', 'hearth_readings_store_points_written_total', 'hearth_readings_spool_depth'] as const
    const deadline = Date.now() + timeoutMs
    let last = ''
    let sameSince = Date.now()
    while (Date.now() < deadline) {
      const m = await this.metrics(names)
      if (m) {
        const now = names.map((n) => m.get(n)).join(',')
        if (now !== last) {
          last = now
          sameSince = Date.now()
        } else if ((m.get('hearth_readings_spool_depth') ?? 0) === 0 && Date.now() - sameSince >= quietMs) {
          return true
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 250))
    }
    return false
  }
}
