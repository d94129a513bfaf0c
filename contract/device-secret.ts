import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'

/**
 * PROTOCOL §1: the device secret is shown once and stored only as a salted hash.
 * Secrets are 256 random bits, so a salted SHA-256 resists offline guessing as well as a slow
 * password hash would, and lets thousands of devices reconnect at once without stalling the broker.
 */
const SCHEME = 'sha256'

export function generateDeviceSecret(): string {
  return randomBytes(32).toString('base64url')
}

export function hashDeviceSecret(secret: string, salt: Buffer = randomBytes(16)): string {
  const digest = createHash('sha256').update(salt).update(secret, 'utf8').digest()
  return `${SCHEME}$${salt.toString('base64url')}$${digest.toString('base64url')}`
}

export function verifyDeviceSecret(secret: string, stored: string): boolean {
  const [scheme, salt, expected] = stored.split('$')
  if (scheme !== SCHEME || salt === undefined || expected === undefined) return false
  const candidate = hashDeviceSecret(secret, Buffer.from(salt, 'base64url'))
  const a = Buffer.from(candidate)
  const b = Buffer.from(stored)
  return a.length === b.length && timingSafeEqual(a, b)
}
