import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'

/**
 * PROTOCOL §1: the device secret is shown once and stored only as a salted hash.
 * Secrets are 256 random bits, so a salted SHA-256 resists offline guessing as well as a slow
 * password hash would, and lets thousands of devices reconnect at once without stalling the broker.
 * Node-only (node:crypto): the broker checks secrets with it, and the composition root hands
 * `issueDeviceSecret` to the dashboard, which provisions devices.
 */
const SCHEME = 'sha256'

export function generateDeviceSecret(): string {
  return randomBytes(32).toString('base64url')
}

export function hashDeviceSecret(secret: string, salt: Buffer = randomBytes(16)): string {
  const digest = createHash('sha256').update(salt).update(secret, 'utf8').digest()
  return `${SCHEME}$${salt.toString('base64url')}$${digest.toString('base64url')}`
}

/** A new secret and the hash to store in its place. */
export function issueDeviceSecret(): { secret: string; secretHash: string } {
  const secret = generateDeviceSecret()
  return { secret, secretHash: hashDeviceSecret(secret) }
}

/** Compares two strings in time that does not depend on where they differ. */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

export function verifyDeviceSecret(secret: string, stored: string): boolean {
  const [scheme, salt, expected] = stored.split('$')
  if (scheme !== SCHEME || salt === undefined || expected === undefined) return false
  return sameSecret(hashDeviceSecret(secret, Buffer.from(salt, 'base64url')), stored)
}
