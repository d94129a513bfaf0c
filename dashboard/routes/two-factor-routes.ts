import { Router, type Request, type Response } from 'express'
import { HearthError, TwoFactorConfirmBodySchema, TwoFactorDisableBodySchema } from '../../contract/index.js'
import type { Principal } from '../access-policy.js'
import { newRecoveryCodes } from '../recovery-codes.js'
import { useSecondFactor } from '../second-factor.js'
import { newTotpSecret, otpauthUri, stepOfCode } from '../totp.js'
import { twoFactorRequired } from '../two-factor-policy.js'
import { validate } from '../validate-input.js'
import type { RouteContext } from './context.js'

/** Checks a password as a sign-in does, counted by the sign-in limits (auth-routes.ts). */
type PasswordCheck = (res: Response, username: string, address: string, password: string, hash: string, what: string) => Promise<boolean>

const wrong = (field: string, message: string, what: string): HearthError =>
  new HearthError('validation_failed', `invalid ${what}: ${field}: ${message}`, { problems: [{ field, message }] })

/**
 * The signed-in user's own two-factor sign-in (RFC 6238, ASVS 6.3.3 and 6.5): set up (pending),
 * confirmed with a code (on, with ten recovery codes shown once), and for the roles that do not
 * require it, turned off with the password and a code.
 */
export function twoFactorRoutes(ctx: RouteContext, checkPassword: PasswordCheck): Router {
  const router = Router()

  /** A person signed in with a session: an API token has no authenticator, and is not asked for one. */
  const personOf = (req: Request): Principal => {
    const principal = req.principal
    if (!principal || principal.viaToken || !req.sessionSecret) throw new HearthError('unauthorized', 'sign in first: two-factor sign-in is set up by its user')
    return principal
  }

  /** A change in how the user signs in ends their other sessions and live connections, as a new password does (ASVS 7.4.3). */
  const endOtherSessions = (req: Request, principal: Principal): void => {
    ctx.users.endOtherSessions(principal.id, req.sessionSecret as string)
    ctx.onOtherSessionsEnded(principal.id, req.sessionSecret as string)
  }

  /** The user's own password, checked and counted as a sign-in's is; the address it was counted against. */
  const passwordOrRefuse = async (req: Request, res: Response, principal: Principal, password: string, what: string): Promise<string> => {
    const address = ctx.addressKey(req.ip)
    const found = ctx.users.credentialsOf(principal.username)
    if (!found || !(await checkPassword(res, principal.username, address, password, found.passwordHash, 'wrong passwords'))) {
      ctx.guard.record(req, 'two-factor.change-failed', null, { target: principal.id, reason: 'wrong password' })
      throw wrong('password', 'not your current password', what)
    }
    return address
  }

  router.post('/setup', (req, res) => {
    const principal = personOf(req)
    const secret = newTotpSecret()
    if (!ctx.twoFactor.begin(principal.id, secret, ctx.clock.now())) {
      throw new HearthError('conflict', 'two-factor sign-in is already on; to move it to another authenticator, turn it off first or ask an admin to reset it')
    }
    ctx.guard.record(req, 'two-factor.setup-begun', null, { target: principal.id })
    res.json({ secret, otpauthUri: otpauthUri(secret, principal.username) })
  })

  router.post('/confirm', async (req, res) => {
    const principal = personOf(req)
    const body = validate(TwoFactorConfirmBodySchema, req.body, 'two-factor confirmation')
    const record = ctx.twoFactor.recordOf(principal.id)
    if (!record) throw new HearthError('conflict', 'nothing to confirm: set two-factor sign-in up first (POST /api/auth/two-factor/setup)')
    if (record.enabledAtMs !== null) throw new HearthError('conflict', 'two-factor sign-in is already on')
    const address = await passwordOrRefuse(req, res, principal, body.password, 'two-factor confirmation')
    const step = stepOfCode(record.secret, body.code, ctx.clock.now())
    if (step === undefined) throw wrong('code', "not the current code for this set-up: check the app shows Hearth's newest and the phone's clock is right", 'two-factor confirmation')
    await ctx.signInLimits.succeeded(principal.username, address)
    const recovery = await newRecoveryCodes()
    if (!ctx.twoFactor.enable(principal.id, step, recovery, ctx.clock.now())) throw new HearthError('conflict', 'two-factor sign-in was set up again meanwhile: start over')
    ctx.guard.record(req, 'two-factor.enabled', null, { target: principal.id })
    endOtherSessions(req, principal)
    ctx.logger.info({ username: principal.username }, 'two-factor sign-in on')
    res.json({ recoveryCodes: recovery.codes })
  })

  /** Giving the password and a code: a session left open is not enough to take the second factor away. Wrong ones count as failed sign-ins. */
  router.delete('/', async (req, res) => {
    const principal = personOf(req)
    const body = validate(TwoFactorDisableBodySchema, req.body, 'two-factor sign-in change')
    if (twoFactorRequired(principal.roles)) {
      throw new HearthError('conflict', 'your role requires two-factor sign-in, so it stays on; if you lose your authenticator and recovery codes, an admin can reset it')
    }
    if (ctx.twoFactor.recordOf(principal.id)?.enabledAtMs == null) throw new HearthError('conflict', 'two-factor sign-in is not on')
    const address = await passwordOrRefuse(req, res, principal, body.password, 'two-factor sign-in change')
    if (!(await useSecondFactor(ctx.twoFactor, principal.id, body.code, ctx.clock.now()))) {
      ctx.guard.record(req, 'two-factor.change-failed', null, { target: principal.id, reason: 'wrong code' })
      throw wrong('code', 'not a current code from your authenticator app, nor an unused recovery code', 'two-factor sign-in change')
    }
    await ctx.signInLimits.succeeded(principal.username, address)
    ctx.twoFactor.remove(principal.id)
    ctx.guard.record(req, 'two-factor.disabled', null, { target: principal.id })
    endOtherSessions(req, principal)
    ctx.logger.info({ username: principal.username }, 'two-factor sign-in off')
    res.status(204).end()
  })

  return router
}
