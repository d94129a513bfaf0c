/** Shapes every service shares with the composition root (ARCHITECTURE: "A service"). No I/O here. */

export interface Service {
  start(): Promise<void>
  /** Idempotent and time-limited. */
  close(): Promise<void>
}

/** Time is an input: rules and lifecycles never read Date.now() themselves. */
export interface Clock {
  now(): number
}

export interface HealthReport {
  component: string
  /** False when the component is down: /healthz answers 503. */
  ok: boolean
  /** Up, but not all there (readings spooling while their store is away): /healthz stays 200. */
  degraded?: boolean
  detail?: string
}
