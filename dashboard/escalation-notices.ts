import type { Logger } from 'pino'
import { alertKindLabel, type Alert, type Clock } from '../contract/index.js'
import type { Circles } from './circle-ports.js'
import type { EmailQueue } from './family-notices.js'
import type { AlertDesk, People, Users } from './ports.js'

/**
 * The escalation level at which an unacknowledged alert is emailed to the supervisors of the
 * organisations monitoring the person: level 1 (the first deadline passed) goes to the
 * supervisors' screens; level 2 (one repeat later: 90 s for an emergency) means nobody on screen
 * has answered it either, so it goes out of the dashboard.
 */
const ESCALATION_EMAIL_LEVEL = 2

/** The organisations monitoring the person's alarms now: active direct-care members of the circle with `alerts`. */
function monitoringOrganisations(circles: Pick<Circles, 'listForPerson'>, personId: string, nowMs: number): string[] {
  const ids = circles
    .listForPerson(personId, nowMs)
    .filter((m) => m.active && m.organisationId !== null && m.basis === 'direct-care' && m.scopes.includes('alerts'))
    .map((m) => m.organisationId as string)
  return [...new Set(ids)]
}

/**
 * What a supervisor is told: whose alert, what kind, how long it has waited, and to open the
 * dashboard; never what a reading said nor a responder's note (the minimum necessary).
 */
function emailAbout(alert: Alert, name: string, nowMs: number): { subject: string; text: string } {
  const what = alertKindLabel(alert.kind)
  const waited = Math.max(1, Math.round((nowMs - Date.parse(alert.raisedAt)) / 1000))
  return {
    subject: `Not answered in time: ${name} — ${what}`,
    text:
      `An ${alert.priority} alert for ${name} (${what}) has not been acknowledged after ${waited} s ` +
      `and has escalated to level ${alert.escalationLevel}.\nOpen the Hearth dashboard and acknowledge it, or have someone answer it now.\n\n` +
      'You receive this because you are a supervisor of an organisation monitoring this person.\n',
  }
}

/**
 * PROTOCOL §2c: when an alert nobody has acknowledged reaches ESCALATION_EMAIL_LEVEL, each enabled
 * supervisor with an email, in each organisation monitoring the person, is emailed once per alert
 * (keyed by alert, level and address, whatever restarts and later escalations). Listens to every
 * alert change, as the live feed does.
 */
export function attachEscalationNotices(deps: {
  desk: Pick<AlertDesk, 'onChange'>
  circles: Pick<Circles, 'listForPerson'>
  users: Pick<Users, 'listOfOrganisation'>
  people: Pick<People, 'get'>
  clock: Clock
  enqueueEmail: EmailQueue
  logger: Logger
}): () => void {
  return deps.desk.onChange((alert) => {
    if (alert.status !== 'raised' || alert.escalationLevel < ESCALATION_EMAIL_LEVEL) return
    const now = deps.clock.now()
    const supervisors = monitoringOrganisations(deps.circles, alert.personId, now)
      .flatMap((organisationId) => deps.users.listOfOrganisation(organisationId))
      .filter((u) => !u.disabled && u.roles.includes('supervisor') && u.email !== null)
    if (supervisors.length === 0) return
    const email = emailAbout(alert, deps.people.get(alert.personId)?.name ?? alert.personId, now)
    let queued = 0
    // One email per address, however many accounts or organisations give it.
    const addresses = new Map(supervisors.map((u) => [(u.email as string).toLowerCase(), u.email as string]))
    for (const [key, to] of addresses) {
      if (deps.enqueueEmail({ to, ...email }, `escalation:${alert.id}:${ESCALATION_EMAIL_LEVEL}:${key}`) !== undefined) queued += 1
    }
    if (queued > 0) deps.logger.info({ alertId: alert.id, escalationLevel: alert.escalationLevel, emails: queued }, 'escalation emailed to supervisors')
  })
}
