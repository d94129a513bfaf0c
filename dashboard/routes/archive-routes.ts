import { Router, type Request } from 'express'
import { ArchivePersonBodySchema, HearthError, UnarchivePersonBodySchema, type FollowUp } from '../../contract/index.js'
import { requires } from '../authenticate.js'
import type { PersonView } from '../ports.js'
import { validate } from '../validate-input.js'
import { followUpDueText } from '../follow-up-text.js'
import type { RouteContext } from './context.js'

/** What an archive or unarchive answers: the person's archive state, nothing of their health. */
const archiveState = (p: PersonView) => ({ id: p.id, name: p.name, archivedAt: p.archivedAt, archivedBy: p.archivedBy, archiveReason: p.archiveReason })

/**
 * Why the person cannot be archived yet, or undefined. Archiving stops their monitoring, so it
 * never happens while anything at home could still raise an alarm (a device still provisioned)
 * or while an alarm waits for an answer: those are ended first, each by a person, on purpose.
 */
function refusalToArchive(ctx: RouteContext, person: PersonView): HearthError | undefined {
  if (person.archivedAt !== null) return new HearthError('conflict', `${person.name} has been archived since ${person.archivedAt}`)
  const devices = ctx.devices.listForPerson(person.id).map((d) => d.id)
  if (devices.length > 0) {
    return new HearthError('conflict', `devices still provisioned: ${devices.join(', ')}; deprovision each once it is collected or no longer worn, then archive`)
  }
  const open = ctx.alerts.listForPersons('open', [person.id], 100).map((a) => a.id)
  if (open.length > 0) return new HearthError('conflict', `alerts still open: ${open.join(', ')}; resolve them first, then archive`)
  return undefined
}

/**
 * An archived person is out of monitoring: their follow-up calls still to come are cancelled by
 * whoever archives them, each noted in its alert's log as a cancelled follow-up is.
 */
function cancelFollowUps(ctx: RouteContext, person: PersonView, by: string, nowMs: number): FollowUp[] {
  return ctx.followUps.pendingForPerson(person.id).filter((f) => {
    if (!ctx.followUps.cancel(f.id, by, nowMs)) return false
    ctx.desk.addNote(f.alertId, by, `follow-up due ${followUpDueText(f.dueAt, person.timeZone)} cancelled: ${f.note} (${person.name} archived)`, 'follow-up')
    return true
  })
}

/**
 * Archiving a person: kept for the record (readable on their own page, in the access log and the
 * audit), out of the people lists and of monitoring. By the admins and supervisors of the
 * organisation monitoring them; outside the circle the person does not exist (404).
 */
export function archiveRoutes(ctx: RouteContext): Router {
  const router = Router()
  const idOf = (req: Request): string => req.params.id as string
  const byOf = (req: Request): string => req.principal?.username ?? 'unknown'

  router.post('/:id/archive', requires('persons:write'), (req, res) => {
    const access = ctx.guard.check(req, idOf(req), 'archive-person')
    const body = validate(ArchivePersonBodySchema, req.body, 'archive')
    // One transaction: nothing provisioned or raised between the checks and the archive.
    const { person, cancelled } = ctx.transaction(() => {
      const found = ctx.people.get(idOf(req)) as PersonView
      const refused = refusalToArchive(ctx, found)
      if (refused) throw refused
      const nowMs = ctx.clock.now()
      ctx.people.archive(found.id, body.reason, byOf(req), nowMs)
      return { person: ctx.people.get(found.id) as PersonView, cancelled: cancelFollowUps(ctx, found, byOf(req), nowMs) }
    })
    ctx.guard.recordFor(req, access, 'person.archived', person.id, { reason: body.reason })
    for (const f of cancelled) ctx.guard.recordFor(req, access, 'alert.follow-up-cancelled', person.id, { target: f.alertId, scope: 'alerts', reason: 'person archived' })
    ctx.logger.info({ personId: person.id, by: byOf(req), followUpsCancelled: cancelled.length }, 'person archived')
    res.json(archiveState(person))
  })

  router.post('/:id/unarchive', requires('persons:write'), (req, res) => {
    const access = ctx.guard.check(req, idOf(req), 'archive-person')
    const body = validate(UnarchivePersonBodySchema, req.body ?? {}, 'unarchive')
    if (!ctx.people.unarchive(idOf(req))) throw new HearthError('conflict', `person ${idOf(req)} is not archived`)
    const person = ctx.people.get(idOf(req)) as PersonView
    ctx.guard.recordFor(req, access, 'person.unarchived', person.id, { reason: body.reason })
    ctx.logger.info({ personId: person.id, by: byOf(req) }, 'person unarchived; their devices are provisioned anew')
    res.json(archiveState(person))
  })

  return router
}
