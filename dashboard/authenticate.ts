import type { IncomingMessage } from 'node:http'
import type { RequestHandler } from 'express'
import { HearthError, type Clock } from '../contract/index.js'
import { can, type Action, type Principal } from './access-policy.js'
import type { Users } from './ports.js'
import { sessionSecretOf } from './session-cookie.js'

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal
    sessionSecret?: string
  }
}

export interface Identified {
  principal: Principal
  /** Present for cookie sessions, so sign-out can drop the session's live connections. */
  sessionSecret?: string
}

/** Who is asking: a session cookie (people) or `Authorization: Bearer` (integrations). */
export function identify(req: IncomingMessage, users: Users, clock: Clock, bearer?: string): Identified | undefined {
  const header = req.headers.authorization
  const token = bearer ?? (header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined)
  if (token) {
    const viaToken = users.principalOfToken(token, clock.now())
    if (viaToken) return { principal: { ...viaToken, viaToken: true } }
    const viaSession = users.userOfSession(token, clock.now())
    return viaSession ? { principal: viaSession, sessionSecret: token } : undefined
  }
  const secret = sessionSecretOf(req.headers.cookie)
  if (!secret) return undefined
  const user = users.userOfSession(secret, clock.now())
  return user ? { principal: user, sessionSecret: secret } : undefined
}

export function authenticate(users: Users, clock: Clock): RequestHandler {
  return (req, _res, next) => {
    const who = identify(req, users, clock)
    if (who) {
      req.principal = who.principal
      req.sessionSecret = who.sessionSecret
    }
    next()
  }
}

/** What a user who must choose a new password may still do: see who they are, choose it, sign out. */
const WHILE_PASSWORD_PENDING = new Set(['/auth/me', '/auth/password', '/auth/logout', '/auth/login'])

/**
 * A session on a password someone else chose (an admin's reset, the generated first one) may do
 * nothing but choose the user's own: whoever learnt that password on the way cannot use it for more.
 */
export function passwordChosenFirst(): RequestHandler {
  return (req, _res, next) => {
    if (req.principal?.mustChangePassword !== true || WHILE_PASSWORD_PENDING.has(req.path)) return next()
    next(new HearthError('forbidden', 'choose a new password first (POST /api/auth/password), then try again'))
  }
}

/** Deny by default: a route names the action it performs. */
export function requires(action: Action): RequestHandler {
  return (req, _res, next) => {
    if (!req.principal) return next(new HearthError('unauthorized', 'sign in first'))
    if (!can(req.principal, action)) return next(new HearthError('forbidden', `your roles do not allow ${action}`))
    next()
  }
}
