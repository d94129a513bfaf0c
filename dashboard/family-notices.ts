import type { Logger } from 'pino'
import { alertKindLabel, isFamily, stepCovers, type Alert, type Outcome } from '../contract/index.js'
import type { AlertDesk, People, ResponsePlans, WishesStore } from './ports.js'

/** An email as the notifications outbox takes it. */
interface FamilyEmail {
  to: string
  subject: string
  text: string
}

/**
 * Queues an email in the notifications outbox, at most once per `key` (notifications/
 * create-notifications.ts `enqueueEmail`); undefined when email is off.
 */
export type EmailQueue = (email: FamilyEmail, key: string) => string | undefined

const OUTCOME_WORDS: Record<Outcome, string> = {
  'false-alarm': 'a false alarm',
  'resolved-by-phone': 'resolved by phone',
  'responder-visited': 'a responder visited',
  'ambulance-called': 'an ambulance was called',
  technical: 'a technical matter',
  other: 'closed by the monitoring service',
}

function localTime(iso: string | null, timeZone: string): string {
  if (iso === null) return 'just now'
  return new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(Date.parse(iso))
}

/**
 * What the family is told: that there is an alarm, what kind, when and how it ended; never what
 * a reading said, nor the responders' notes (the minimum necessary).
 */
function emailAbout(alert: Alert, called: string, timeZone: string): Omit<FamilyEmail, 'to'> {
  const what = alertKindLabel(alert.kind)
  const why = `You receive this because ${called} asked for the family in their response plan to be told of their alarms.`
  if (alert.status === 'resolved') {
    const outcome = alert.outcome ? OUTCOME_WORDS[alert.outcome] : 'closed'
    return {
      subject: `Alarm for ${called} closed: ${outcome}`,
      text: `The alarm for ${called} raised ${localTime(alert.raisedAt, timeZone)} (${what}) was closed ${localTime(alert.resolvedAt, timeZone)}: ${outcome}.\n\n${why}\n`,
    }
  }
  return {
    subject: `Alarm for ${called}: ${what}`,
    text: `An alarm was raised for ${called} ${localTime(alert.raisedAt, timeZone)}: ${what}.\nThe monitoring service is dealing with it, and will call you if you are needed.\n\n${why}\n`,
  }
}

/**
 * PROTOCOL §2c: when the person shares their alarms with their family (`shareAlarmsWithFamily` in
 * what matters to them), each family step of their response plan with an email, and for this
 * alert, is emailed when an alarm (an emergency: a press, a fall, smoke, …) is raised and when it
 * is resolved, with its outcome. Listens to every alert change, as the live feed does; each email
 * is keyed by alert, event and address, so announcing the same change again sends nothing twice.
 */
export function attachFamilyNotices(deps: {
  desk: Pick<AlertDesk, 'onChange'>
  wishes: Pick<WishesStore, 'current'>
  responsePlans: Pick<ResponsePlans, 'current'>
  people: Pick<People, 'get'>
  enqueueEmail: EmailQueue
  logger: Logger
}): () => void {
  return deps.desk.onChange((alert) => {
    if (alert.priority !== 'emergency') return
    const wishes = deps.wishes.current(alert.personId)
    if (!wishes?.shareAlarmsWithFamily) return
    const told = (deps.responsePlans.current(alert.personId)?.steps ?? []).filter((step) => step.email !== undefined && isFamily(step) && stepCovers(step, alert))
    const person = deps.people.get(alert.personId)
    if (told.length === 0 || !person) return
    const event = alert.status === 'resolved' ? 'resolved' : 'raised'
    const email = emailAbout(alert, wishes.preferredName ?? person.name, person.timeZone)
    for (const step of told) {
      const to = step.email as string
      deps.enqueueEmail({ to, ...email }, `family:${alert.id}:${event}:${to.toLowerCase()}`)
    }
    deps.logger.debug({ alertId: alert.id, event, emails: told.length }, 'family notices queued')
  })
}
