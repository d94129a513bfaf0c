import { Router } from 'express'
import { CreatePersonBodySchema, HearthError, ReadingsQuerySchema, MAX_SERIES_POINTS, METRICS, UpdatePersonBodySchema } from '../../contract/index.js'
import { buildTimeline } from '../person-timeline.js'
import { can } from '../access-policy.js'
import { requires } from '../authenticate.js'
import { validate } from '../validate-input.js'
import type { RouteContext } from './context.js'

export function personRoutes(ctx: RouteContext): Router {
  const router = Router()

  const personOr404 = (id: string) => {
    const person = ctx.people.get(id)
    if (!person) throw new HearthError('not_found', `no person ${id}`)
    return person
  }

  router.post('/', requires('persons:write'), (req, res) => {
    const body = validate(CreatePersonBodySchema, req.body, 'person')
    const person = ctx.people.create(body, ctx.clock.now())
    ctx.logger.info({ personId: person.id, by: req.principal?.username }, 'person created')
    res.status(201).json(person)
  })

  /** The list names people; medical notes and contacts stay on each person's own page. */
  router.get('/', requires('persons:read'), (_req, res) => {
    const persons = ctx.people.list().map(({ medicalNotes: _notes, contacts: _contacts, ...listed }) => listed)
    res.json({ persons })
  })

  router.get('/:id', requires('persons:read'), async (req, res) => {
    const person = personOr404(req.params.id as string)
    res.json({
      ...person,
      devices: ctx.devices.listForPerson(person.id),
      latest: await ctx.readings.latest(person.id),
      alerts: can(req.principal, 'person-alerts:read') ? ctx.alerts.listForPerson(person.id, 50) : [],
    })
  })

  router.patch('/:id', requires('persons:write'), (req, res) => {
    personOr404(req.params.id as string)
    const body = validate(UpdatePersonBodySchema, req.body, 'person change')
    const person = ctx.people.update(req.params.id as string, body)
    ctx.logger.info({ personId: req.params.id, fields: Object.keys(body), by: req.principal?.username }, 'person changed')
    res.json(person)
  })

  /** What the person's devices said and what happened to their alerts, newest first. */
  router.get('/:id/timeline', requires('person-alerts:read'), (req, res) => {
    const person = personOr404(req.params.id as string)
    const limit = Math.min(Math.max(Number(req.query.limit ?? 200) || 200, 1), 1000)
    const deviceIds = ctx.devices.listForPerson(person.id).map((d) => d.id)
    const items = buildTimeline(ctx.events.recentForDevices(deviceIds, limit), ctx.alerts.historyForPerson(person.id, limit), limit)
    res.json({ personId: person.id, items })
  })

  router.get('/:id/readings', requires('readings:read'), async (req, res) => {
    const person = personOr404(req.params.id as string)
    const q = validate(ReadingsQuerySchema, req.query, 'readings query')
    const points = await ctx.readings.series({ personId: person.id, ...q }, MAX_SERIES_POINTS)
    const spec = METRICS[q.metric]
    res.json({
      personId: person.id,
      metric: q.metric,
      unit: spec.kind === 'number' ? spec.unit : null,
      from: new Date(q.fromMs).toISOString(),
      to: new Date(q.toMs).toISOString(),
      everySeconds: q.everyMs / 1000,
      points,
    })
  })

  return router
}
