import { parse, serialize } from 'cookie'

/** The session cookie's name over plain HTTP (a development machine, loopback). */
const SESSION_COOKIE = 'hearth_session'
/**
 * Its name when cookies are `Secure` (served over HTTPS): a browser takes a `__Host-` cookie only
 * if it is Secure, for path `/` and no domain, so no other host of the site and no plain-HTTP page
 * can set or overwrite it (ASVS 3.3.3).
 */
const SECURE_SESSION_COOKIE = `__Host-${SESSION_COOKIE}`

/** The session secret a request carries, under either name. */
export function sessionSecretOf(header: string | undefined): string | undefined {
  if (!header) return undefined
  const cookies = parse(header)
  return cookies[SECURE_SESSION_COOKIE] ?? cookies[SESSION_COOKIE]
}

export function sessionCookie(value: string, maxAgeSeconds: number, secure: boolean): string {
  return serialize(secure ? SECURE_SESSION_COOKIE : SESSION_COOKIE, value, { path: '/', httpOnly: true, sameSite: 'strict', maxAge: maxAgeSeconds, secure })
}
