import { Router } from 'express'
import { CreateTokenBodySchema, CreateUserBodySchema, HearthError, UpdateUserBodySchema } from '../../contract/index.js'
import { requires } from '../authenticate.js'
import { hashPassword } from '../password-hash.js'
import { validate } from '../validate-input.js'
import type { RouteContext } from './context.js'

export function adminRoutes(ctx: RouteContext): Router {
  const router = Router()

  router.get('/users', requires('users:manage'), (_req, res) => {
    res.json({ users: ctx.users.list() })
  })

  router.post('/users', requires('users:manage'), async (req, res) => {
    const body = validate(CreateUserBodySchema, req.body, 'user')
    if (ctx.users.credentialsOf(body.username)) throw new HearthError('conflict', `user ${body.username} already exists`)
    const user = ctx.users.create(
      { username: body.username, displayName: body.displayName ?? body.username, passwordHash: await hashPassword(body.password), roles: body.roles },
      ctx.clock.now(),
    )
    ctx.logger.info({ username: user.username, roles: user.roles, by: req.principal?.username }, 'user created')
    res.status(201).json(user)
  })

  router.patch('/users/:id', requires('users:manage'), (req, res) => {
    const body = validate(UpdateUserBodySchema, req.body, 'user change')
    const user = ctx.users.update(req.params.id as string, body)
    if (!user) throw new HearthError('not_found', `no user ${req.params.id as string}`)
    ctx.logger.info({ username: user.username, roles: user.roles, by: req.principal?.username }, 'user changed')
    if (body.roles) ctx.onUserChanged(user.id)
    res.json(user)
  })

  /** Bearer tokens for integrations; the token is shown only in this response. */
  router.post('/tokens', requires('tokens:manage'), (req, res) => {
    const body = validate(CreateTokenBodySchema, req.body, 'token')
    const created = ctx.users.createApiToken(body.name, body.roles, req.principal?.username ?? 'unknown', ctx.clock.now())
    ctx.logger.info({ tokenId: created.id, name: body.name, roles: body.roles, by: req.principal?.username }, 'api token created')
    res.status(201).json({ ...created, name: body.name, roles: body.roles })
  })

  return router
}
