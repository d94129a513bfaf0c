import { Router } from 'express'
import { ChangePasswordBodySchema, HearthError, LoginBodySchema } from '../../contract/index.js'
import { LoginThrottle } from '../login-throttle.js'
import { hashPassword, verifyPassword } from '../password-hash.js'
import { sessionCookie } from '../session-cookie.js'
import { validate } from '../validate-input.js'
import type { RouteContext } from './context.js'

const MAX_FAILURES = 5
const FAILURE_WINDOW_MS = 15 * 60_000
// Compared against when the username is unknown, so timing does not reveal which usernames exist.
const decoy = hashPassword('hearth-decoy-password')

export function authRoutes(ctx: RouteContext): Router {
  const router = Router()
  const throttle = new LoginThrottle(MAX_FAILURES, FAILURE_WINDOW_MS)

  router.post('/login', async (req, res) => {
    const body = validate(LoginBodySchema, req.body, 'sign-in')
    const key = `${body.username}|${req.ip ?? ''}`
    const now = ctx.clock.now()
    const wait = throttle.retryAfterMs(key, now)
    if (wait > 0) {
      res.setHeader('Retry-After', String(Math.ceil(wait / 1000)))
      throw new HearthError('too_many_requests', `too many failed sign-ins; try again in ${Math.ceil(wait / 60_000)} min`)
    }
    const found = ctx.users.credentialsOf(body.username)
    const ok = await verifyPassword(body.password, found?.passwordHash ?? (await decoy))
    if (!found || !ok) {
      throttle.fail(key, now)
      ctx.guard.record(req, 'sign-in.failed', null, { actor: found?.user ?? { username: body.username } })
      ctx.logger.warn({ username: body.username, ip: req.ip }, 'sign-in failed')
      throw new HearthError('unauthorized', 'wrong username or password')
    }
    throttle.succeed(key)
    // Told only to someone who knows the password: a disabled account is not a wrong one.
    if (found.user.disabled) {
      ctx.guard.record(req, 'sign-in.refused-disabled', null, { actor: found.user })
      throw new HearthError('forbidden', "this account has been disabled; ask your organisation's admin")
    }
    const secret = ctx.users.openSession(found.user.id, ctx.clock.now(), ctx.sessionTtlMs)
    res.setHeader('Set-Cookie', sessionCookie(secret, Math.floor(ctx.sessionTtlMs / 1000), ctx.secureCookies))
    ctx.guard.record(req, 'signed-in', found.user.personId, { actor: found.user })
    ctx.logger.info({ username: found.user.username }, 'signed in')
    res.json({ user: found.user, roles: found.user.roles })
  })

  router.post('/logout', (req, res) => {
    if (req.sessionSecret) {
      ctx.guard.record(req, 'signed-out', null)
      ctx.users.closeSession(req.sessionSecret)
      ctx.onSignOut(req.sessionSecret)
    }
    res.setHeader('Set-Cookie', sessionCookie('', 0, ctx.secureCookies))
    res.status(204).end()
  })

  /**
   * The signed-in user changes their own password, giving the current one (so a session left
   * open is not enough to take the account). Their other sessions end; this one goes on. A wrong
   * current password counts as a failed sign-in.
   */
  router.post('/password', async (req, res) => {
    const principal = req.principal
    if (!principal || principal.viaToken || !req.sessionSecret) throw new HearthError('unauthorized', 'sign in first: a password is changed by its user')
    const body = validate(ChangePasswordBodySchema, req.body, 'password change')
    const key = `${principal.username}|${req.ip ?? ''}`
    const now = ctx.clock.now()
    const wait = throttle.retryAfterMs(key, now)
    if (wait > 0) {
      res.setHeader('Retry-After', String(Math.ceil(wait / 1000)))
      throw new HearthError('too_many_requests', `too many wrong passwords; try again in ${Math.ceil(wait / 60_000)} min`)
    }
    const found = ctx.users.credentialsOf(principal.username)
    if (!found || !(await verifyPassword(body.currentPassword, found.passwordHash))) {
      throttle.fail(key, now)
      ctx.guard.record(req, 'password-change.failed', null)
      throw new HearthError('validation_failed', 'invalid password change: currentPassword: not your current password', {
        problems: [{ field: 'currentPassword', message: 'not your current password' }],
      })
    }
    throttle.succeed(key)
    ctx.users.setPassword(found.user.id, await hashPassword(body.newPassword), false, req.sessionSecret)
    ctx.onOtherSessionsEnded(found.user.id, req.sessionSecret)
    ctx.guard.record(req, 'password.changed', null)
    ctx.logger.info({ username: found.user.username }, 'password changed; other sessions ended')
    res.status(204).end()
  })

  router.get('/me', (req, res, next) => {
    if (!req.principal) return next(new HearthError('unauthorized', 'sign in first'))
    res.json({ user: req.principal, roles: req.principal.roles })
  })

  return router
}
