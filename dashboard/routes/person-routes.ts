import { Router, type Request } from 'express'
import {
  CreatePersonRequestSchema,
  HearthError,
  MAX_SERIES_POINTS,
  METRICS,
  PersonListQuerySchema,
  PersonNoteBodySchema,
  ReadingsQuerySchema,
  SCOPES,
  UpdatePersonBodySchema,
} from '../../contract/index.js'
import { alertFor, timelineAlertsFor } from '../alert-view.js'
import type { PersonView } from '../ports.js'
import { listedPerson, personReads, personRecordFor, revealedAccessDetails } from '../person-reads.js'
import { buildTimeline, noteItem } from '../person-timeline.js'
import { incidentIdsOf, withIncidents } from '../incident-spans.js'
import { requires } from '../authenticate.js'
import { validate } from '../validate-input.js'
import { primaryRole, type RouteContext } from './context.js'

/** Far beyond the alerts of any one person: all of them, to tell which were open together (incidents). */
const MAX_PERSON_ALERTS = 10_000

/** What a person's record shows to whom is decided in person-reads.ts: these routes show only what it allows. */
export function personRoutes(ctx: RouteContext): Router {
  const router = Router()
  const idOf = (req: Request): string => req.params.id as string
  const principalOf = (req: Request) => req.principal as NonNullable<Request['principal']>

  const personOr404 = (id: string): PersonView => {
    const person = ctx.people.get(id)
    if (!person) throw new HearthError('not_found', `no person ${id}`)
    return person
  }

  /** PROTOCOL §2b: the new person's monitoring organisation joins their circle with basis direct-care and every scope. */
  router.post('/', requires('persons:write'), (req, res) => {
    const { monitoredBy, ...body } = validate(CreatePersonRequestSchema, req.body, 'person')
    const principal = req.principal as NonNullable<Request['principal']>
    const organisationId = monitoredBy ?? principal.organisationId
    if (organisationId !== principal.organisationId && !principal.roles.includes('admin')) {
      throw new HearthError('forbidden', 'only the platform admin names another organisation to monitor a person')
    }
    if (!ctx.organisations.get(organisationId)) {
      throw new HearthError('validation_failed', `invalid person: monitoredBy: no organisation ${organisationId}`, {
        problems: [{ field: 'monitoredBy', message: `no organisation ${organisationId}` }],
      })
    }
    const now = ctx.clock.now()
    // One transaction: a person nobody monitors would be invisible to everyone.
    const { person, membership } = ctx.transaction(() => {
      const made = ctx.people.create(body, now)
      const monitoring = ctx.circles.add(
        { personId: made.id, organisationId, relationship: 'monitoring telecare service', scopes: SCOPES, basis: 'direct-care', fromMs: now },
        principal.username,
        now,
      )
      return { person: made, membership: monitoring }
    })
    ctx.guard.record(req, 'person.created', person.id, { target: membership.id, basis: 'direct-care' })
    ctx.logger.info({ personId: person.id, monitoredBy: organisationId, by: principal.username }, 'person created')
    // The creator sees the new record as they would read it; the platform admin, setting it up for another organisation, who it is.
    const access = ctx.guard.accessOf(principal, person.id)
    res.status(201).json(access ? personRecordFor(person, personReads(principal, access)) : listedPerson(person))
  })

  /**
   * The people in the caller's circles, by name; medical notes and contacts stay on each person's
   * own page. Archived people only with `include=archived`.
   */
  router.get('/', requires('persons:read'), (req, res) => {
    const query = validate(PersonListQuerySchema, req.query, 'people query')
    const q = query.q?.trim().toLowerCase() ?? ''
    const visible = ctx.people.listByIds(ctx.guard.accessMap(req.principal as NonNullable<Request['principal']>).keys())
    const persons = visible
      .filter((p) => (q === '' || p.name.toLowerCase().includes(q)) && (p.archivedAt === null || query.include === 'archived'))
      .map(listedPerson)
    ctx.guard.record(req, 'persons.listed', null, { target: `${persons.length} people` })
    res.json({ persons })
  })

  router.get('/:id', async (req, res) => {
    const access = ctx.guard.require(req, idOf(req), 'member', 'person.read')
    const person = personOr404(idOf(req))
    const reads = personReads(principalOf(req), access)
    res.json({
      ...personRecordFor(person, reads),
      devices: reads.devices ? ctx.devices.listForPerson(person.id) : [],
      latest: reads.vitals ? await ctx.readings.latest(person.id, ctx.clock.now()) : [],
      alerts: reads.alerts ? ctx.alerts.listForPerson(person.id, 50).map((a) => alertFor(a, reads, ctx.wishes)) : [],
      access,
    })
  })

  router.patch('/:id', requires('persons:write'), (req, res) => {
    const access = ctx.guard.check(req, idOf(req), 'edit-person')
    const body = validate(UpdatePersonBodySchema, req.body, 'person change')
    const person = ctx.people.update(idOf(req), body) as PersonView
    ctx.guard.recordFor(req, access, 'person.changed', person.id, { target: Object.keys(body).join(',') })
    ctx.logger.info({ personId: person.id, fields: Object.keys(body), by: req.principal?.username }, 'person changed')
    res.json(personRecordFor(person, personReads(principalOf(req), access)))
  })

  /** Shown only on request, and every look is recorded: how to get into the person's home. */
  router.get('/:id/access-details', (req, res) => {
    const access = ctx.guard.require(req, idOf(req), 'access-details', 'access-details.revealed')
    res.json({ personId: idOf(req), accessDetails: revealedAccessDetails(personOr404(idOf(req)), personReads(principalOf(req), access)) })
  })

  /**
   * Members' notes, and as far as the caller's reads reach: device events, alerts and their
   * handling, care settings changes and absences; newest first.
   */
  router.get('/:id/timeline', (req, res) => {
    const access = ctx.guard.require(req, idOf(req), 'timeline', 'timeline.read')
    const person = personOr404(idOf(req))
    const reads = personReads(principalOf(req), access)
    const limit = Math.min(Math.max(Number(req.query.limit ?? 200) || 200, 1), 1000)
    const items = buildTimeline(
      {
        events: reads.devices ? ctx.events.recentForPerson(person.id, limit) : [],
        alerts: reads.alerts ? timelineAlertsFor(ctx.alerts.historyForPerson(person.id, limit), reads) : [],
        notes: ctx.notes.recentForPerson(person.id, limit),
        settings: reads.careSettings ? ctx.careSettings.history(person.id, limit) : [],
        absences: reads.absences ? ctx.absences.list(person.id) : [],
        calls: reads.alerts ? ctx.calls.recentForPerson(person.id, limit) : [],
        authorOf: ctx.authorOf,
      },
      limit,
    )
    const incidents = items.some((i) => i.alertId !== undefined) ? incidentIdsOf(ctx.alerts.listForPerson(person.id, MAX_PERSON_ALERTS)) : new Map<string, string>()
    res.json({ personId: person.id, items: withIncidents(items, incidents) })
  })

  /** A note from any member who may write one, labelled with their organisation and role; it reaches the circle live. */
  router.post('/:id/notes', (req, res) => {
    const access = ctx.guard.check(req, idOf(req), 'notes:write')
    const body = validate(PersonNoteBodySchema, req.body, 'note')
    const principal = req.principal as NonNullable<Request['principal']>
    const user = ctx.users.get(principal.id)
    const note = ctx.notes.add(
      {
        personId: idOf(req),
        text: body.text,
        authorId: principal.id,
        authorName: principal.displayName,
        organisationId: principal.organisationId,
        organisationName: user?.organisationName ?? ctx.organisations.get(principal.organisationId)?.name ?? principal.organisationId,
        role: primaryRole(principal.roles),
      },
      ctx.clock.now(),
    )
    ctx.guard.recordFor(req, access, 'note.written', note.personId, { target: note.id, scope: 'notes:write' })
    ctx.onPersonNote(note.personId, noteItem(note))
    res.status(201).json(note)
  })

  router.get('/:id/readings', async (req, res) => {
    const access = ctx.guard.check(req, idOf(req), 'vitals')
    const q = validate(ReadingsQuerySchema, req.query, 'readings query')
    ctx.guard.recordFor(req, access, 'readings.read', idOf(req), { target: q.metric, scope: 'vitals' })
    const person = personOr404(idOf(req))
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
