/** One user's two-factor sign-in as the store keeps it. */
export interface TwoFactorRecord {
  /** RFC 4648 base32, as authenticator apps take it. */
  secret: string
  /** When a code confirmed it; null while it is pending (set up, not yet in force). */
  enabledAtMs: number | null
  /** What the user's recovery codes are hashed with; null while pending. */
  recoverySalt: string | null
}

/**
 * Two-factor sign-in (TOTP, RFC 6238) and its single-use recovery codes (ASVS 6.5). Recovery codes
 * are kept as hashes only; every "use" is a compare-and-set, so a code used at once in two
 * requests signs in one of them.
 */
export interface TwoFactorStore {
  /** Whether the user's two-factor sign-in is on, and when their grace to set it up began (ms); undefined for no such user. */
  standingOf(userId: string): { enabled: boolean; graceFromMs: number } | undefined
  recordOf(userId: string): TwoFactorRecord | undefined
  /** Keeps `secret` pending for the user, in place of one pending before; false (nothing kept) when two-factor sign-in is on. */
  begin(userId: string, secret: string, nowMs: number): boolean
  /**
   * Puts the pending secret in force, `step` (the time step of the code that confirmed it) used,
   * with these recovery codes' hashes in place of any before; false when none was pending.
   */
  enable(userId: string, step: number, recovery: { salt: string; hashes: readonly string[] }, nowMs: number): boolean
  /** Takes `step` as the last one used when it is later than the last: false for a step used already (a replayed code). */
  useStep(userId: string, step: number): boolean
  /** Uses up the unused recovery code with this hash: false when there is none. */
  useRecoveryCode(userId: string, hash: string, nowMs: number): boolean
  recoveryCodesLeft(userId: string): number
  /** Ends two-factor sign-in, on or pending, with its recovery codes; false when there was none. */
  remove(userId: string): boolean
}
