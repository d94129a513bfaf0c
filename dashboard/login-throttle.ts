/** Slows password guessing: after `maxFailures` failures within the window, a key is refused until it passes. */
export class LoginThrottle {
  private readonly failures = new Map<string, number[]>()

  constructor(
    private readonly maxFailures: number,
    private readonly windowMs: number,
    private readonly maxKeys = 10_000,
  ) {}

  private recent(key: string, nowMs: number): number[] {
    const kept = (this.failures.get(key) ?? []).filter((t) => nowMs - t < this.windowMs)
    if (kept.length === 0) this.failures.delete(key)
    else this.failures.set(key, kept)
    return kept
  }

  /** Milliseconds to wait before another attempt, or 0. */
  retryAfterMs(key: string, nowMs: number): number {
    const recent = this.recent(key, nowMs)
    if (recent.length < this.maxFailures) return 0
    return this.windowMs - (nowMs - (recent[0] ?? nowMs))
  }

  fail(key: string, nowMs: number): void {
    const recent = this.recent(key, nowMs)
    this.failures.delete(key)
    this.failures.set(key, [...recent, nowMs])
    // Bounded: the oldest keys go first when someone sprays many usernames.
    while (this.failures.size > this.maxKeys) {
      const oldest = this.failures.keys().next().value
      if (oldest === undefined) break
      this.failures.delete(oldest)
    }
  }

  succeed(key: string): void {
    this.failures.delete(key)
  }
}
