import { Router } from 'express'
import { HearthError, ProvisionDeviceBodySchema, deviceTopic } from '../../contract/index.js'
import type { PersonAccess } from '../../contract/index.js'
import type { Principal } from '../access-policy.js'
import { requires } from '../authenticate.js'
import { validate } from '../validate-input.js'
import type { RouteContext } from './context.js'

export function deviceRoutes(ctx: RouteContext): Router {
  const router = Router()

  router.post('/', requires('devices:provision'), (req, res) => {
    const body = validate(ProvisionDeviceBodySchema, req.body, 'device')
    // Someone outside the person's circle learns nothing about them, not even that they exist.
    let access
    try {
      access = ctx.guard.check(req, body.personId, 'provision-devices')
    } catch (error) {
      if (!(error instanceof HearthError && error.code === 'not_found')) throw error
      throw new HearthError('validation_failed', `invalid device: personId: no person ${body.personId}`, {
        problems: [{ field: 'personId', message: `no person ${body.personId}` }],
        cause: error,
      })
    }
    if (body.id !== undefined && ctx.devices.exists(body.id)) throw new HearthError('conflict', `device ${body.id} already exists`)
    // PROTOCOL §1: the secret is shown once and stored only as a salted hash.
    const { secret, secretHash } = ctx.issueDeviceSecret()
    const id = ctx.devices.provision({ ...body, secretHash }, ctx.clock.now())
    ctx.guard.recordFor(req, access, 'device.provisioned', body.personId, { target: id })
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

  /** Devices belong with the alerts and vital signs of the person who wears or keeps them. */
  const follows = (access: PersonAccess | undefined): boolean => access !== undefined && (access.scopes.includes('alerts') || access.scopes.includes('vitals'))

  router.get('/', requires('devices:read'), (req, res) => {
    const access = ctx.guard.accessMap(req.principal as Principal)
    const devices = ctx.devices.list().filter((d) => follows(access.get(d.personId)))
    ctx.guard.record(req, 'devices.listed', null, { target: `${devices.length} devices` })
    res.json({ devices })
  })

  router.get('/:id', requires('devices:read'), (req, res) => {
    const device = ctx.devices.get(req.params.id as string)
    const access = device ? ctx.guard.accessOf(req.principal, device.personId) : undefined
    if (!device || !access || !follows(access)) throw new HearthError('not_found', `no device ${req.params.id as string}`)
    ctx.guard.recordFor(req, access, 'device.read', device.personId, { target: device.id, scope: access.scopes.includes('alerts') ? 'alerts' : 'vitals' })
    res.json(device)
  })

  /** PROTOCOL §2b: deprovisions the device: its connection drops and its secret never works again. */
  router.delete('/:id', requires('devices:provision'), (req, res) => {
    const id = req.params.id as string
    const device = ctx.devices.get(id)
    // Outside the person's circle the device does not exist, as the person does not.
    const access = device ? ctx.guard.check(req, device.personId, 'provision-devices') : undefined
    if (!device || !access) throw new HearthError('not_found', `no device ${id}`)
    const by = req.principal?.username ?? 'unknown'
    if (!ctx.devices.deprovision(id, by, ctx.clock.now())) throw new HearthError('conflict', `device ${id} was deprovisioned at ${device.deprovisionedAt ?? 'an earlier time'}`)
    ctx.disconnectDevice(id)
    ctx.guard.recordFor(req, access, 'device.deprovisioned', device.personId, { target: id })
    ctx.logger.info({ deviceId: id, personId: device.personId, by }, 'device deprovisioned')
    res.json(ctx.devices.get(id))
  })

  return router
}
