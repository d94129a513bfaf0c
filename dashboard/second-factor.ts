import { hashRecoveryCode, looksLikeRecoveryCode, normaliseRecoveryCode } from './recovery-codes.js'
import { stepOfCode } from './totp.js'
import type { TwoFactorStore } from './two-factor-store.js'

export type SecondFactor = 'authenticator' | 'recovery-code'

/**
 * Checks `code` against the user's two-factor sign-in in force and uses it up: a time step once
 * taken, and every one before it, never signs in again (RFC 6238 §5.2); a recovery code works
 * once. Which factor it was, or undefined for a wrong, replayed or used code.
 */
export async function useSecondFactor(store: TwoFactorStore, userId: string, code: string, nowMs: number): Promise<SecondFactor | undefined> {
  const record = store.recordOf(userId)
  if (!record || record.enabledAtMs === null) return undefined
  const digits = code.replace(/[\s-]/g, '')
  if (/^\d{6}$/.test(digits)) {
    const step = stepOfCode(record.secret, digits, nowMs)
    return step !== undefined && store.useStep(userId, step) ? 'authenticator' : undefined
  }
  const normalised = normaliseRecoveryCode(code)
  if (record.recoverySalt === null || !looksLikeRecoveryCode(normalised)) return undefined
  const hash = await hashRecoveryCode(normalised, record.recoverySalt)
  return store.useRecoveryCode(userId, hash, nowMs) ? 'recovery-code' : undefined
}
