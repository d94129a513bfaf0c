import { Secret, TOTP } from 'otpauth'

/** RFC 6238 with the parameters every authenticator app takes: SHA-1, 6 digits, 30 s steps. */
const PERIOD_SECONDS = 30
const ISSUER = 'Hearth'
/** Codes of the step before and after are taken too: a phone's clock a little off, a code typed as it changed. */
const WINDOW_STEPS = 1

const totpOf = (secret: string, label = ''): TOTP =>
  new TOTP({ issuer: ISSUER, label, algorithm: 'SHA1', digits: 6, period: PERIOD_SECONDS, secret: Secret.fromBase32(secret) })

/** A new secret: 160 random bits (RFC 4226's recommended length), base32. */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32
}

/** What an authenticator app scans or takes pasted: `otpauth://totp/Hearth:<username>?secret=…&issuer=Hearth…`. */
export function otpauthUri(secret: string, username: string): string {
  return totpOf(secret, username).toString()
}

/** The time step of `code` for `secret` at `nowMs` (within one step either side), or undefined when it is not a current code. */
export function stepOfCode(secret: string, code: string, nowMs: number): number | undefined {
  if (!/^\d{6}$/.test(code)) return undefined
  const delta = totpOf(secret).validate({ token: code, timestamp: nowMs, window: WINDOW_STEPS })
  return delta === null ? undefined : TOTP.counter({ period: PERIOD_SECONDS, timestamp: nowMs }) + delta
}
