import { randomInt } from 'node:crypto'
import { hashUnderSalt, newSharedSalt } from './password-hash.js'

/** Crockford's base32: no I, L, O or U to misread. */
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'
const CODES = 10
/** 12 characters of 5 bits: 60 random bits each, hashed with scrypt (ASVS 6.5.2: under 112 bits, a password hash with a salt). */
const LENGTH = 12

/** As typed: any case, spaces and dashes ignored, and the letters Crockford's base32 leaves out read as the digits they look like. */
export function normaliseRecoveryCode(typed: string): string {
  return typed.toLowerCase().replace(/[\s-]/g, '').replace(/[il]/g, '1').replace(/o/g, '0')
}

export function looksLikeRecoveryCode(normalised: string): boolean {
  return normalised.length === LENGTH && [...normalised].every((c) => ALPHABET.includes(c))
}

function newCode(): string {
  const chars = Array.from({ length: LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)] as string).join('')
  return `${chars.slice(0, 4)}-${chars.slice(4, 8)}-${chars.slice(8)}`
}

/** Ten new codes, to show once, and what is kept: their hashes under one new salt. */
export async function newRecoveryCodes(): Promise<{ codes: string[]; salt: string; hashes: string[] }> {
  const codes = Array.from({ length: CODES }, newCode)
  const salt = newSharedSalt()
  const hashes: string[] = []
  // One at a time: each scrypt takes 32 MiB.
  for (const code of codes) hashes.push(await hashUnderSalt(normaliseRecoveryCode(code), salt))
  return { codes, salt, hashes }
}

export const hashRecoveryCode = (normalised: string, salt: string): Promise<string> => hashUnderSalt(normalised, salt)
