/**
 * When a failed delivery is tried again: after 5 s, 30 s, 2 min, 10 min and 30 min, then hourly
 * (close to the Standard Webhooks schedule), each with ±20 % jitter so that the deliveries a
 * receiver's outage held back do not all return at the same moment.
 */
export const RETRY_SCHEDULE_MS: readonly number[] = [5_000, 30_000, 120_000, 600_000, 1_800_000, 3_600_000]

/** PROTOCOL §2c: retried until it succeeds or a day has passed. */
export const GIVE_UP_AFTER_MS = 24 * 3_600_000

const JITTER = 0.2

/**
 * The next attempt after `failures` failed ones of a message made at `createdAtMs`, or undefined
 * when it is given up: never later than a day after it was made, when it has its last try.
 * `random` is in [0, 1).
 */
export function nextAttemptAt(failures: number, createdAtMs: number, nowMs: number, scheduleMs: readonly number[], random: number): number | undefined {
  const giveUpAt = createdAtMs + GIVE_UP_AFTER_MS
  if (nowMs >= giveUpAt) return undefined
  const base = scheduleMs[Math.min(Math.max(failures, 1), scheduleMs.length) - 1] ?? GIVE_UP_AFTER_MS
  const delay = Math.round(base * (1 - JITTER + 2 * JITTER * random))
  return Math.min(nowMs + delay, giveUpAt)
}
