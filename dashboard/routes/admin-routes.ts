import { Router, type Request } from 'express'
import { CreateTokenBodySchema, CreateUserBodySchema, HearthError, ResetPasswordBodySchema, UpdateUserBodySchema, type Role } from '../../contract/index.js'
import { can, type Principal } from '../access-policy.js'
import { requires, requiresPerson } from '../authenticate.js'
import type { UserView } from '../ports.js'
import { hashPassword } from '../password-hash.js'
import { assertHardToGuess } from '../password-policy.js'
import { validate } from '../validate-input.js'
import type { RouteContext } from './context.js'

const isPlatformAdmin = (p: Principal): boolean => p.roles.includes('admin')

/**
 * The platform admin manages every user; an organisation admin only those of their own
 * organisation, and never makes anyone a platform admin.
 */
function assertMayManage(principal: Principal, organisationId: string, roles: readonly Role[] | undefined): void {
  if (isPlatformAdmin(principal)) return
  if (organisationId !== principal.organisationId) throw new HearthError('forbidden', 'organisation admins manage the users of their own organisation only')
  if (roles?.includes('admin')) throw new HearthError('forbidden', 'only the platform admin makes platform admins')
}

/**
 * Why this account may not be deleted by this principal, or undefined: nobody deletes their own,
 * nor the last platform admin who can sign in (nobody would be left to manage Hearth).
 */
function refusalToDelete(principal: Principal, user: UserView, users: readonly UserView[]): HearthError | undefined {
  if (user.roles.includes('admin') && !isPlatformAdmin(principal)) return new HearthError('forbidden', 'only the platform admin deletes a platform admin')
  if (user.id === principal.id) return new HearthError('conflict', 'you cannot delete your own account')
  if (isLastEnabledAdmin(user, users)) return new HearthError('conflict', 'this is the last enabled platform admin: make or enable another first')
  return undefined
}

/** Whether nobody would be left to manage Hearth without this account. */
function isLastEnabledAdmin(user: UserView, users: readonly UserView[]): boolean {
  const enabledAdmins = users.filter((u) => u.roles.includes('admin') && !u.disabled)
  return user.roles.includes('admin') && !user.disabled && enabledAdmins.every((u) => u.id === user.id)
}

export function adminRoutes(ctx: RouteContext): Router {
  const router = Router()
  const principalOf = (req: Request): Principal => req.principal as Principal

  const userOr404 = (req: Request): UserView => {
    const user = ctx.users.get(req.params.id as string)
    // Another organisation's users do not exist for an organisation admin.
    if (!user || (!isPlatformAdmin(principalOf(req)) && user.organisationId !== principalOf(req).organisationId)) {
      throw new HearthError('not_found', `no user ${req.params.id as string}`)
    }
    return user
  }

  /** Disabling and deleting end the user's live connections at once, and those of the API tokens they made (revoked with them). */
  const dropLive = (user: Pick<UserView, 'id' | 'username'>): void => {
    ctx.onUserChanged(user.id)
    for (const token of ctx.users.listTokens()) if (token.createdBy === user.username && token.revokedAt !== null) ctx.onUserChanged(token.id)
  }

  router.get('/users', requires('users:manage'), (req, res) => {
    const principal = principalOf(req)
    res.json({ users: isPlatformAdmin(principal) ? ctx.users.list() : ctx.users.listOfOrganisation(principal.organisationId) })
  })

  router.get('/users/:id', requires('users:manage'), (req, res) => {
    res.json(userOr404(req))
  })

  router.post('/users', requiresPerson('users:manage'), async (req, res) => {
    const body = validate(CreateUserBodySchema, req.body, 'user')
    const principal = principalOf(req)
    const organisationId = body.organisationId ?? principal.organisationId
    assertMayManage(principal, organisationId, body.roles)
    // A person's own account is made by the platform admin or their circle's admins: to anyone else the person does not exist.
    const personKnown = (personId: string): boolean =>
      isPlatformAdmin(principal) ? ctx.people.get(personId) !== undefined : ctx.guard.accessOf(principal, personId)?.circleAdmin === true
    const problems = [
      ...(ctx.organisations.get(organisationId) ? [] : [{ field: 'organisationId', message: `no organisation ${organisationId}` }]),
      ...(body.personId === undefined || personKnown(body.personId) ? [] : [{ field: 'personId', message: `no person ${body.personId}` }]),
    ]
    if (problems.length > 0) {
      throw new HearthError('validation_failed', `invalid user: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`, { problems })
    }
    if (ctx.users.credentialsOf(body.username)) throw new HearthError('conflict', `user ${body.username} already exists`)
    await assertHardToGuess(body.password, [body.username, body.displayName ?? ''], 'password', 'user')
    const user = ctx.users.create(
      {
        username: body.username,
        displayName: body.displayName ?? body.username,
        passwordHash: await hashPassword(body.password),
        roles: body.roles,
        organisationId,
        personId: body.personId,
        email: body.email,
      },
      ctx.clock.now(),
    )
    const basis = body.personId === undefined ? undefined : isPlatformAdmin(principal) ? 'platform-admin' : ctx.guard.accessOf(principal, body.personId)?.basis
    ctx.guard.record(req, 'user.created', body.personId ?? null, { target: user.id, basis })
    ctx.logger.info({ username: user.username, roles: user.roles, organisationId, by: principal.username }, 'user created')
    res.status(201).json(user)
  })

  /** PROTOCOL §2b: `disabled: true` ends the user's access at once: sessions, tokens and live connections. */
  router.patch('/users/:id', requires('users:manage'), (req, res) => {
    const body = validate(UpdateUserBodySchema, req.body, 'user change')
    const principal = principalOf(req)
    const before = userOr404(req)
    assertMayManage(principal, before.organisationId, body.roles)
    if (before.roles.includes('admin') && !isPlatformAdmin(principal)) throw new HearthError('forbidden', 'only the platform admin changes a platform admin')
    if (body.disabled === true && before.id === principal.id) throw new HearthError('conflict', 'you cannot disable your own account')
    if ((body.disabled === true || (body.roles !== undefined && !body.roles.includes('admin'))) && isLastEnabledAdmin(before, ctx.users.list())) {
      throw new HearthError('conflict', 'this is the last enabled platform admin: make or enable another first')
    }
    if (body.roles && before.id === principal.id && !isPlatformAdmin(principal)) throw new HearthError('forbidden', 'you cannot change your own roles')
    if (body.roles && (body.roles.includes('person') ? body.roles.length > 1 || before.personId === null : before.personId !== null)) {
      throw new HearthError('validation_failed', 'invalid user change: roles: a person\'s own account holds role person alone', {
        problems: [{ field: 'roles', message: "a person's own account holds role person alone" }],
      })
    }
    let user = ctx.users.update(before.id, body) as UserView
    if (body.disabled !== undefined) user = ctx.users.setDisabled(before.id, body.disabled, ctx.clock.now()) as UserView
    ctx.guard.record(req, body.disabled === true ? 'user.disabled' : 'user.changed', null, { target: user.id })
    ctx.logger.info({ username: user.username, roles: user.roles, disabled: user.disabled, by: principal.username }, 'user changed')
    // A token is allowed no more than its maker: once they may no longer make tokens, none of theirs works.
    const revokesTokens = body.roles !== undefined && !can(user, 'tokens:manage')
    if (revokesTokens) {
      for (const token of ctx.users.listTokens()) {
        if (token.createdBy !== user.username || token.revokedAt !== null || !ctx.users.revokeToken(token.id, ctx.clock.now())) continue
        ctx.guard.record(req, 'token.revoked', null, { target: token.id, reason: 'its maker may no longer make tokens' })
      }
    }
    if (body.disabled === true || revokesTokens) dropLive(user)
    else if (body.roles) ctx.onUserChanged(user.id)
    res.json(user)
  })

  /**
   * Deletes an account: its access ends at once as disabling ends it, then it can no longer sign
   * in, leaves the user lists, and its username is free. The audit log and the records keep
   * naming it by its id and its name as it was; its own circle memberships end.
   */
  router.delete('/users/:id', requires('users:manage'), (req, res) => {
    const principal = principalOf(req)
    const user = userOr404(req)
    assertMayManage(principal, user.organisationId, undefined)
    const refused = refusalToDelete(principal, user, ctx.users.list())
    if (refused) throw refused
    const now = ctx.clock.now()
    const ended = ctx.transaction(() => {
      ctx.users.remove(user.id, principal.username, now)
      // No credential is kept for an account that can never sign in again.
      ctx.twoFactor.remove(user.id)
      return ctx.circles.endAllOfUser(user.id, principal.username, 'account deleted', now)
    })
    ctx.guard.record(req, 'user.deleted', null, { target: user.id })
    for (const m of ended) ctx.guard.record(req, 'circle.member-ended', m.personId, { target: m.id, reason: 'account deleted' })
    dropLive(user)
    ctx.logger.info({ userId: user.id, username: user.username, memberships: ended.length, by: principal.username }, 'user deleted')
    res.status(204).end()
  })

  /**
   * An admin sets a user's password (they forgot theirs): the user's sessions and live connections
   * end, and at the next sign-in they choose their own before anything else.
   */
  router.post('/users/:id/password', requiresPerson('users:manage'), async (req, res) => {
    const body = validate(ResetPasswordBodySchema, req.body, 'password reset')
    const principal = principalOf(req)
    const user = userOr404(req)
    assertMayManage(principal, user.organisationId, undefined)
    if (user.roles.includes('admin') && !isPlatformAdmin(principal)) throw new HearthError('forbidden', 'only the platform admin resets a platform admin')
    if (user.id === principal.id) throw new HearthError('conflict', 'change your own password with POST /api/auth/password, giving the current one')
    await assertHardToGuess(body.password, [user.username, user.displayName], 'password', 'password reset')
    ctx.users.setPassword(user.id, await hashPassword(body.password), true)
    ctx.onUserChanged(user.id)
    ctx.guard.record(req, 'user.password-reset', null, { target: user.id })
    ctx.logger.info({ username: user.username, by: principal.username }, 'password reset; the user chooses a new one at the next sign-in')
    res.status(204).end()
  })

  /**
   * An admin ends a user's two-factor sign-in (they lost their authenticator and their recovery
   * codes), so that they can set it up again; a role that requires it is asked to at once.
   */
  router.delete('/users/:id/two-factor', requiresPerson('users:manage'), (req, res) => {
    const principal = principalOf(req)
    const user = userOr404(req)
    assertMayManage(principal, user.organisationId, undefined)
    if (user.roles.includes('admin') && !isPlatformAdmin(principal)) throw new HearthError('forbidden', 'only the platform admin resets a platform admin')
    if (user.id === principal.id) throw new HearthError('conflict', "another admin resets your own two-factor sign-in: that is what stops a session left open from removing it")
    if (!ctx.twoFactor.remove(user.id)) throw new HearthError('conflict', `${user.username} has no two-factor sign-in to reset`)
    ctx.onUserChanged(user.id)
    ctx.guard.record(req, 'user.two-factor-reset', null, { target: user.id })
    ctx.logger.info({ username: user.username, by: principal.username }, 'two-factor sign-in reset; the user sets it up again')
    res.status(204).end()
  })

  /** Bearer tokens for integrations, within the caller's organisation; the token is shown only in this response. */
  router.post('/tokens', requiresPerson('tokens:manage'), (req, res) => {
    const body = validate(CreateTokenBodySchema, req.body, 'token')
    const principal = principalOf(req)
    const now = ctx.clock.now()
    const expiresAtMs = now + body.expiresInDays * 86_400_000
    const created = ctx.users.createApiToken(body.name, body.roles, principal.username, principal.organisationId, now, expiresAtMs)
    ctx.guard.record(req, 'token.created', null, { target: created.id })
    ctx.logger.info({ tokenId: created.id, name: body.name, roles: body.roles, expiresInDays: body.expiresInDays, by: principal.username }, 'api token created')
    res.status(201).json({ ...created, name: body.name, roles: body.roles, organisationId: principal.organisationId, expiresAt: new Date(expiresAtMs).toISOString() })
  })

  return router
}
