import { parse, serialize } from 'cookie'

export const SESSION_COOKIE = 'hearth_session'

/** Reads one cookie from a Cookie header. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  return header ? parse(header)[name] : undefined
}

export function sessionCookie(value: string, maxAgeSeconds: number, secure: boolean): string {
  return serialize(SESSION_COOKIE, value, { path: '/', httpOnly: true, sameSite: 'strict', maxAge: maxAgeSeconds, secure })
}
