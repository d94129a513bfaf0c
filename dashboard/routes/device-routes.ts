import { Router, type Request } from 'express'
import { HearthError, MoveDeviceBodySchema, ProvisionDeviceBodySchema, RotateDeviceSecretBodySchema, deviceTopic } from '../../contract/index.js'
import type { PersonAccess } from '../../contract/index.js'
import type { Principal } from '../access-policy.js'
import type { DeviceView } from '../ports.js'
import { personReads } from '../person-reads.js'
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
    // An archived person is out of monitoring: a device at home for them would raise alarms nobody expects.
    if (ctx.people.get(body.personId)?.archivedAt) throw new HearthError('conflict', `person ${body.personId} is archived: unarchive them before provisioning a device`)
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

  /** Devices belong with the alerts and vital signs of the person who wears or keeps them (person-reads.ts). */
  const follows = (principal: Principal, access: PersonAccess | undefined): boolean => access !== undefined && personReads(principal, access).devices

  router.get('/', requires('devices:read'), (req, res) => {
    const principal = req.principal as Principal
    const access = ctx.guard.accessMap(principal)
    const devices = ctx.devices.list().filter((d) => follows(principal, access.get(d.personId)))
    ctx.guard.record(req, 'devices.listed', null, { target: `${devices.length} devices` })
    res.json({ devices })
  })

  router.get('/:id', requires('devices:read'), (req, res) => {
    const device = ctx.devices.get(req.params.id as string)
    const access = device ? ctx.guard.accessOf(req.principal, device.personId) : undefined
    if (!device || !access || !follows(req.principal as Principal, access)) throw new HearthError('not_found', `no device ${req.params.id as string}`)
    ctx.guard.recordFor(req, access, 'device.read', device.personId, { target: device.id, scope: access.scopes.includes('alerts') ? 'alerts' : 'vitals' })
    res.json(device)
  })

  /**
   * The device, and the caller's access to its person, when the caller may provision devices for
   * them. Outside the person's circle the device does not exist, as the person does not.
   */
  const provisioning = (req: Request): { id: string; device: DeviceView; access: PersonAccess } => {
    const id = req.params.id as string
    const device = ctx.devices.get(id)
    if (!device) throw new HearthError('not_found', `no device ${id}`)
    try {
      return { id, device, access: ctx.guard.check(req, device.personId, 'provision-devices') }
    } catch (error) {
      if (error instanceof HearthError && error.code === 'not_found') throw new HearthError('not_found', `no device ${id}`, { cause: error })
      throw error
    }
  }
  const deprovisioned = (device: DeviceView): HearthError => new HearthError('conflict', `device ${device.id} was deprovisioned at ${device.deprovisionedAt ?? 'an earlier time'}`)

  /** PROTOCOL §2b: deprovisions the device: its connection drops and its secret never works again. */
  router.delete('/:id', requires('devices:provision'), (req, res) => {
    const { id, device, access } = provisioning(req)
    const by = req.principal?.username ?? 'unknown'
    if (!ctx.devices.deprovision(id, by, ctx.clock.now())) throw deprovisioned(device)
    ctx.disconnectDevice(id)
    ctx.guard.recordFor(req, access, 'device.deprovisioned', device.personId, { target: id })
    ctx.logger.info({ deviceId: id, personId: device.personId, by }, 'device deprovisioned')
    res.json(ctx.devices.get(id))
  })

  /**
   * A new secret, shown this once; the old one keeps working for `graceMinutes` (none unless
   * given), and the connection made with it ends when it stops working.
   */
  router.post('/:id/secret', requires('devices:provision'), (req, res) => {
    const body = validate(RotateDeviceSecretBodySchema, req.body, 'secret rotation')
    const { id, device, access } = provisioning(req)
    if (device.deprovisionedAt !== null) throw deprovisioned(device)
    const nowMs = ctx.clock.now()
    const validUntilMs = body.graceMinutes === 0 ? null : nowMs + body.graceMinutes * 60_000
    // PROTOCOL §1: the secret is shown once and stored only as a salted hash.
    const { secret, secretHash } = ctx.issueDeviceSecret()
    if (!ctx.devices.rotateSecret(id, secretHash, validUntilMs, nowMs)) throw deprovisioned(device)
    ctx.endDeviceConnectionAt(id, validUntilMs ?? nowMs)
    ctx.guard.recordFor(req, access, 'device.secret-rotated', device.personId, { target: id })
    ctx.logger.info({ deviceId: id, personId: device.personId, graceMinutes: body.graceMinutes, by: req.principal?.username }, 'device secret rotated')
    res.json({ id, secret, previousSecretValidUntil: validUntilMs === null ? null : new Date(validUntilMs).toISOString() })
  })

  /**
   * Moves the device to another person: what it sends from now on is theirs. What it sent before,
   * and the alerts it raised, stay with the person they were about.
   */
  router.patch('/:id', requires('devices:provision'), (req, res) => {
    const body = validate(MoveDeviceBodySchema, req.body, 'device')
    const { id, device, access } = provisioning(req)
    if (device.deprovisionedAt !== null) throw deprovisioned(device)
    const to = ctx.guard.check(req, body.personId, 'provision-devices')
    if (body.personId === device.personId) return void res.json(device)
    if (ctx.people.get(body.personId)?.archivedAt) throw new HearthError('conflict', `person ${body.personId} is archived: unarchive them before moving a device to them`)
    if (!ctx.devices.reassign(id, body.personId)) throw deprovisioned(device)
    ctx.deviceMoved(id)
    ctx.guard.recordFor(req, access, 'device.moved-away', device.personId, { target: id })
    ctx.guard.recordFor(req, to, 'device.moved-in', body.personId, { target: id })
    ctx.logger.info({ deviceId: id, from: device.personId, to: body.personId, by: req.principal?.username }, 'device moved to another person')
    res.json(ctx.devices.get(id))
  })

  return router
}
