import { Router } from 'express'
import {
  HearthError,
  ProvisionDeviceBodySchema,
  deviceTopic,
  generateDeviceSecret,
  hashDeviceSecret,
} from '../../contract/index.js'
import { requires } from '../authenticate.js'
import { validate } from '../validate-input.js'
import type { RouteContext } from './context.js'

export function deviceRoutes(ctx: RouteContext): Router {
  const router = Router()

  router.post('/', requires('devices:provision'), (req, res) => {
    const body = validate(ProvisionDeviceBodySchema, req.body, 'device')
    if (!ctx.people.get(body.personId)) {
      throw new HearthError('validation_failed', `invalid device: personId: no person ${body.personId}`, {
        problems: [{ field: 'personId', message: `no person ${body.personId}` }],
      })
    }
    if (body.id !== undefined && ctx.devices.exists(body.id)) throw new HearthError('conflict', `device ${body.id} already exists`)
    // PROTOCOL §1: the secret is shown once and stored only as a salted hash.
    const secret = generateDeviceSecret()
    const id = ctx.devices.provision({ ...body, secretHash: hashDeviceSecret(secret) }, ctx.clock.now())
    ctx.logger.info({ deviceId: id, type: body.type, personId: body.personId, by: req.principal?.username }, 'device provisioned')
    res.status(201).json({
      id,
      secret,
      type: body.type,
      personId: body.personId,
      topics: {
        status: deviceTopic(id, 'status'),
        readings: deviceTopic(id, 'readings'),
        events: deviceTopic(id, 'events'),
        commands: deviceTopic(id, 'commands'),
        errors: deviceTopic(id, 'errors'),
      },
    })
  })

  router.get('/', requires('devices:read'), (_req, res) => {
    res.json({ devices: ctx.devices.list() })
  })

  router.get('/:id', requires('devices:read'), (req, res) => {
    const device = ctx.devices.get(req.params.id as string)
    if (!device) throw new HearthError('not_found', `no device ${req.params.id as string}`)
    res.json(device)
  })

  return router
}
