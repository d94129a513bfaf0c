import type { IncomingMessage } from 'node:http'
import type { RequestHandler } from 'express'
import { HearthError, type Clock } from '../contract/index.js'
import { can, type Action, type Principal } from './access-policy.js'
import type { Users } from './ports.js'
import { sessionSecretOf } from './session-cookie.js'
import type { TwoFactorPolicy } from './two-factor-policy.js'

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

/** What identifying a request takes: the accounts, the clock, and the two-factor policy for sessions. */
export interface Sessions {
  users: Users
  clock: Clock
  twoFactor: TwoFactorPolicy
}

/** A person's session: past the grace to set up a required two-factor sign-in, it opens nothing else. */
function sessionOf(sessions: Sessions, secret: string): Identified | undefined {
  const now = sessions.clock.now()
  const user = sessions.users.userOfSession(secret, now)
  if (!user) return undefined
  return { principal: { ...user, mustEnrolTwoFactor: sessions.twoFactor(user, now).mustEnrol }, sessionSecret: secret }
}

/**
 * Who is asking: a session cookie (people) or `Authorization: Bearer` (integrations). API tokens
 * are not people signing in: two-factor sign-in does not apply to them.
 */
export function identify(req: IncomingMessage, sessions: Sessions, bearer?: string): Identified | undefined {
  const header = req.headers.authorization
  const token = bearer ?? (header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined)
  if (token) {
    const viaToken = sessions.users.principalOfToken(token, sessions.clock.now())
    if (viaToken) return { principal: { ...viaToken, viaToken: true } }
    return sessionOf(sessions, token)
  }
  const secret = sessionSecretOf(req.headers.cookie)
  return secret ? sessionOf(sessions, secret) : undefined
}

export function authenticate(sessions: Sessions): RequestHandler {
  return (req, _res, next) => {
    const who = identify(req, sessions)
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

/** What a user who must set up two-factor sign-in may still do: that, see who they are, choose a password, sign out. */
const WHILE_TWO_FACTOR_PENDING = new Set([...WHILE_PASSWORD_PENDING, '/auth/two-factor/setup', '/auth/two-factor/confirm'])

/**
 * A session of a role that requires two-factor sign-in, once the grace to set it up has passed,
 * may do nothing but set it up (ASVS 6.3.3), as a password someone else chose opens nothing but
 * choosing one's own.
 */
export function twoFactorEnrolledFirst(): RequestHandler {
  return (req, _res, next) => {
    if (req.principal?.mustEnrolTwoFactor !== true || WHILE_TWO_FACTOR_PENDING.has(req.path)) return next()
    next(new HearthError('forbidden', 'set up two-factor sign-in first (POST /api/auth/two-factor/setup), then try again'))
  }
}

/** What anyone may ask without signing in: signing in. */
const OPEN_TO_ANYONE = new Set(['POST /auth/login'])

/**
 * Deny by default: every other `/api` request, to a route that exists or not, needs a signed-in
 * user or an API token (401), before any route says whether a person or an alert exists.
 */
export function signedInFirst(): RequestHandler {
  return (req, _res, next) => {
    if (req.principal || OPEN_TO_ANYONE.has(`${req.method} ${req.path}`)) return next()
    next(new HearthError('unauthorized', 'sign in first'))
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

/**
 * For what only a person signed in does: an integration's token never makes, lists or revokes
 * tokens, or one leaked token could mint others that outlive its revocation.
 */
export function requiresPerson(action: Action): RequestHandler {
  const allowed = requires(action)
  return (req, res, next) => {
    if (req.principal?.viaToken) return next(new HearthError('forbidden', `${action} is for a person signed in, not an API token`))
    allowed(req, res, next)
  }
}
