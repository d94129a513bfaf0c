import { Router, type Request, type Response } from 'express'
import { ChangePasswordBodySchema, HearthError, LoginBodySchema } from '../../contract/index.js'
import type { Principal } from '../access-policy.js'
import type { UserView } from '../ports.js'
import { PasswordChecks } from '../password-checks.js'
import { hashPassword, verifyPassword } from '../password-hash.js'
import { assertHardToGuess } from '../password-policy.js'
import { useSecondFactor } from '../second-factor.js'
import { sessionCookie } from '../session-cookie.js'
import type { TwoFactorStanding } from '../two-factor-policy.js'
import { validate } from '../validate-input.js'
import type { RouteContext } from './context.js'
import { twoFactorRoutes } from './two-factor-routes.js'

// Compared against when the username is unknown, so timing does not reveal which usernames exist.
const decoy = hashPassword('hearth-decoy-password')

/** Answers 429 with `Retry-After` when the sign-in limits hold this attempt back. */
function holdBack(res: Response, waitMs: number, what: string): void {
  if (waitMs <= 0) return
  const seconds = Math.max(1, Math.ceil(waitMs / 1000))
  res.setHeader('Retry-After', String(seconds))
  const when = seconds < 60 ? `${seconds} s` : `${Math.ceil(seconds / 60)} min`
  throw new HearthError('too_many_requests', `too many ${what}; try again in ${when}`)
}

export function authRoutes(ctx: RouteContext): Router {
  const router = Router()
  const checks = new PasswordChecks()

  /**
   * Checks `password` against `hash` for `username` at `address`: in turn with the other checks
   * under way (refused at once when too many are), and counted by the sign-in limits before it
   * runs. Whether it was right; the caller tells the limits of a success.
   */
  async function checkPassword(res: Response, username: string, address: string, password: string, hash: string, what: string): Promise<boolean> {
    holdBack(res, await ctx.signInLimits.retryAfterMs(username, address), what)
    const turn = checks.admit(address)
    if ('refused' in turn) {
      res.setHeader('Retry-After', '1')
      if (turn.refused === 'this-address') throw new HearthError('too_many_requests', 'other sign-ins from your address are being checked; try again in a moment')
      throw new HearthError('unavailable', 'too many sign-ins are being checked; try again in a moment')
    }
    try {
      await turn.admitted
      holdBack(res, await ctx.signInLimits.count(username, address), what)
      return await verifyPassword(password, hash)
    } finally {
      turn.leave()
    }
  }

  /**
   * With two-factor sign-in on, a right password is not yet a sign-in: without a code, or with a
   * wrong or used one, the attempt stays counted as a failed sign-in (only a full sign-in clears
   * the count, so guessing codes is held back as guessing passwords is).
   */
  async function requireSecondFactor(req: Request, user: UserView, code: string | undefined): Promise<void> {
    if (code === undefined) throw new HearthError('two_factor_required', 'enter the code from your authenticator app, or one of your recovery codes')
    const factor = await useSecondFactor(ctx.twoFactor, user.id, code, ctx.clock.now())
    if (factor === undefined) {
      ctx.guard.record(req, 'sign-in.failed', null, { actor: user, reason: 'wrong two-factor code' })
      ctx.logger.warn({ username: user.username, ip: req.ip }, 'sign-in failed: wrong two-factor code')
      throw new HearthError('two_factor_required', 'that code is wrong or has been used: enter the current code from your authenticator app, or an unused recovery code')
    }
    if (factor === 'recovery-code') {
      ctx.guard.record(req, 'two-factor.recovery-code-used', null, { actor: user, target: user.id })
      ctx.logger.info({ username: user.username, left: ctx.twoFactor.recoveryCodesLeft(user.id) }, 'signed in with a recovery code')
    }
  }

  /** A user's two-factor standing, for the web app's banner (or its set-up screen, past the grace); an API token has none. */
  const twoFactorOf = (user: UserView, viaToken = false): TwoFactorStanding => {
    if (viaToken) return { enabled: false, required: false, enrolBy: null }
    const { mustEnrol: _, ...standing } = ctx.twoFactorPolicy(user, ctx.clock.now())
    return standing
  }

  router.use('/two-factor', twoFactorRoutes(ctx, checkPassword))

  router.post('/login', async (req, res) => {
    const body = validate(LoginBodySchema, req.body, 'sign-in')
    const address = ctx.addressKey(req.ip)
    const found = ctx.users.credentialsOf(body.username)
    const ok = await checkPassword(res, body.username, address, body.password, found?.passwordHash ?? (await decoy), 'failed sign-ins')
    if (!found || !ok) {
      ctx.guard.record(req, 'sign-in.failed', null, { actor: found?.user ?? { username: body.username } })
      ctx.logger.warn({ username: body.username, ip: req.ip }, 'sign-in failed')
      throw new HearthError('unauthorized', 'wrong username or password')
    }
    if (found.user.twoFactorEnabled) await requireSecondFactor(req, found.user, body.code)
    await ctx.signInLimits.succeeded(body.username, address)
    // Told only to someone who knows the password: a disabled account is not a wrong one.
    if (found.user.disabled) {
      ctx.guard.record(req, 'sign-in.refused-disabled', null, { actor: found.user })
      throw new HearthError('forbidden', "this account has been disabled; ask your organisation's admin")
    }
    const secret = ctx.users.openSession(found.user.id, ctx.clock.now(), ctx.sessionTtlMs)
    res.setHeader('Set-Cookie', sessionCookie(secret, Math.floor(ctx.sessionTtlMs / 1000), ctx.secureCookies))
    ctx.guard.record(req, 'signed-in', found.user.personId, { actor: found.user })
    ctx.logger.info({ username: found.user.username }, 'signed in')
    const { mustEnrol, ...twoFactor } = ctx.twoFactorPolicy(found.user, ctx.clock.now())
    res.json({ user: { ...found.user, mustEnrolTwoFactor: mustEnrol }, roles: found.user.roles, twoFactor })
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
    const address = ctx.addressKey(req.ip)
    const found = ctx.users.credentialsOf(principal.username)
    const ok = await checkPassword(res, principal.username, address, body.currentPassword, found?.passwordHash ?? (await decoy), 'wrong passwords')
    if (!found || !ok) {
      ctx.guard.record(req, 'password-change.failed', null)
      throw new HearthError('validation_failed', 'invalid password change: currentPassword: not your current password', {
        problems: [{ field: 'currentPassword', message: 'not your current password' }],
      })
    }
    await ctx.signInLimits.succeeded(principal.username, address)
    await assertHardToGuess(body.newPassword, [found.user.username, found.user.displayName], 'newPassword', 'password change')
    ctx.users.setPassword(found.user.id, await hashPassword(body.newPassword), false, req.sessionSecret)
    ctx.onOtherSessionsEnded(found.user.id, req.sessionSecret)
    ctx.guard.record(req, 'password.changed', null)
    ctx.logger.info({ username: found.user.username }, 'password changed; other sessions ended')
    res.status(204).end()
  })

  router.get('/me', (req, res, next) => {
    if (!req.principal) return next(new HearthError('unauthorized', 'sign in first'))
    // A session's principal is its user's view (authenticate.ts).
    res.json({ user: req.principal, roles: req.principal.roles, twoFactor: twoFactorOf(req.principal as Principal & UserView, req.principal.viaToken) })
  })

  return router
}
