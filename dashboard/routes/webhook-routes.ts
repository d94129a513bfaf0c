import { Router, type Request } from 'express'
import { CreateWebhookBodySchema, HearthError, type WebhookView } from '../../contract/index.js'
import type { Principal } from '../access-policy.js'
import { requires } from '../authenticate.js'
import { validate } from '../validate-input.js'
import type { RouteContext } from './context.js'

/**
 * PROTOCOL §2c webhooks: the platform admin manages every organisation's, an organisation admin
 * their own organisation's. A webhook belongs to the organisation of the account that registers
 * it and is sent what that organisation may see of its people's alerts.
 */
export function webhookRoutes(ctx: RouteContext): Router {
  const router = Router()
  const principalOf = (req: Request): Principal => req.principal as Principal
  const platformAdmin = (req: Request): boolean => principalOf(req).roles.includes('admin')

  const webhookOr404 = (req: Request): WebhookView => {
    const id = req.params.id as string
    const webhook = ctx.webhooks.get(id)
    // Another organisation's webhooks do not exist for an organisation admin.
    if (!webhook || (!platformAdmin(req) && webhook.organisationId !== principalOf(req).organisationId)) throw new HearthError('not_found', `no webhook ${id}`)
    return webhook
  }

  router.get('/', requires('webhooks:manage'), (req, res) => {
    res.json({ webhooks: ctx.webhooks.list(platformAdmin(req) ? null : principalOf(req).organisationId) })
  })

  router.post('/', requires('webhooks:manage'), (req, res) => {
    const body = validate(CreateWebhookBodySchema, req.body, 'webhook')
    const principal = principalOf(req)
    const { webhook, secret } = ctx.webhooks.register({ ...body, organisationId: principal.organisationId, roles: principal.roles, createdBy: principal.username })
    ctx.guard.record(req, 'webhook.created', null, { target: webhook.id })
    // The host only: a path or query may hold the receiver's own token.
    ctx.logger.info({ webhookId: webhook.id, organisationId: webhook.organisationId, events: webhook.events, host: new URL(webhook.url).host, by: principal.username }, 'webhook registered')
    // PROTOCOL §2c: the secret is shown this once.
    res.status(201).json({ ...webhook, secret })
  })

  router.delete('/:id', requires('webhooks:manage'), (req, res) => {
    const webhook = webhookOr404(req)
    const by = principalOf(req).username
    if (!ctx.webhooks.remove(webhook.id, by)) throw new HearthError('not_found', `no webhook ${webhook.id}`)
    ctx.guard.record(req, 'webhook.removed', null, { target: webhook.id })
    ctx.logger.info({ webhookId: webhook.id, organisationId: webhook.organisationId, by }, 'webhook removed')
    res.status(204).end()
  })

  return router
}
