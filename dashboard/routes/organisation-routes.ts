import { Router } from 'express'
import { CreateOrganisationBodySchema, HearthError } from '../../contract/index.js'
import { requires } from '../authenticate.js'
import { validate } from '../validate-input.js'
import type { RouteContext } from './context.js'

/** PROTOCOL §2b: the organisations that stand in circles of care. Names and kinds are not personal data. */
export function organisationRoutes(ctx: RouteContext): Router {
  const router = Router()

  router.get('/', (req, res) => {
    if (!req.principal) throw new HearthError('unauthorized', 'sign in first')
    res.json({ organisations: ctx.organisations.list() })
  })

  router.post('/', requires('organisations:manage'), (req, res) => {
    const body = validate(CreateOrganisationBodySchema, req.body, 'organisation')
    const organisation = ctx.organisations.create(body, ctx.clock.now())
    ctx.guard.record(req, 'organisation.created', null, { target: organisation.id })
    ctx.logger.info({ organisationId: organisation.id, kind: organisation.kind, by: req.principal?.username }, 'organisation created')
    res.status(201).json(organisation)
  })

  return router
}
