import { compareAlertsForQueue, compareIncidents, type Alert, type Incident } from '../contract/index.js'
import type { Principal } from './access-policy.js'
import { alertFor } from './alert-view.js'
import type { PersonGuard } from './person-guard.js'
import { personReads, type PersonReads } from './person-reads.js'
import type { AlertDesk, AlertQueries, IncidentHolds, People, Users, WishesStore } from './ports.js'

/** Far beyond any alarm receiving centre's open alerts (as the alert queue's bound). */
const MAX_OPEN_ALERTS = 50_000

/** Who holds an incident, as every incident shows it. */
interface Holder {
  userId: string
  displayName: string
  heldSinceMs: number
}

type LatestNote = Incident['latestNote']

/** One incident per person from alerts already shown as the reader may see them and in queue order. */
function groupIncidents(alerts: readonly Alert[], holderOf: (personId: string) => Holder | undefined, noteOf: (alerts: readonly Alert[]) => LatestNote): Incident[] {
  const byPerson = new Map<string, Alert[]>()
  for (const alert of alerts) byPerson.set(alert.personId, [...(byPerson.get(alert.personId) ?? []), alert])
  return [...byPerson].map(([personId, own]) => incidentOf(personId, own[0]?.personName ?? personId, own, holderOf(personId), noteOf(own))).sort(compareIncidents)
}

function incidentOf(personId: string, name: string, alerts: readonly Alert[], holder: Holder | undefined, latestNote: LatestNote): Incident {
  const first = alerts[0]
  const oldest = alerts.map((a) => a.raisedAt).sort()[0]
  return {
    personId,
    person: { name, preferredName: first?.person?.preferredName ?? null, communicationNeeds: first?.person?.communicationNeeds ?? [] },
    priority: first?.priority ?? null,
    oldestRaisedAt: oldest ?? null,
    alerts: [...alerts],
    heldBy: holder ? { userId: holder.userId, displayName: holder.displayName } : null,
    heldSince: holder ? new Date(holder.heldSinceMs).toISOString() : null,
    latestNote,
  }
}

/**
 * The call-handling console's incidents: all open alerts of one person under one card, each alert
 * as the reader may see it (alert-view.ts), with who holds the incident. A hold outlives no open
 * alert: an incident with none is not shown, whatever the store says.
 */
export function incidentViews(deps: {
  guard: Pick<PersonGuard, 'accessMap'>
  alerts: Pick<AlertQueries, 'listForPersons' | 'history'>
  incidentHolds: Pick<IncidentHolds, 'get'>
  users: Pick<Users, 'getIncludingDeleted' | 'holderOf'>
  people: Pick<People, 'get'>
  wishes: Pick<WishesStore, 'current'>
}) {
  /** An account disabled or deleted since holds nothing: its incidents go back to the queue rather than wait for it. */
  const holderOf = (personId: string): Holder | undefined => {
    const hold = deps.incidentHolds.get(personId)
    const user = hold && deps.users.getIncludingDeleted(hold.userId)
    if (!hold || !user || user.disabled) return undefined
    return { userId: hold.userId, displayName: user.displayName, heldSinceMs: hold.heldSinceMs }
  }
  /**
   * One person's incident, read once, as each reader sees it (the live feed asks this for every
   * connected user); with no open alerts left, empty and held by nobody.
   */
  const personIncident = (personId: string): ((reads: Pick<PersonReads, 'vitals' | 'speakingTo'>) => Incident) => {
    const open = deps.alerts.listForPersons('open', [personId], MAX_OPEN_ALERTS).sort(compareAlertsForQueue)
    const holder = open.length > 0 ? holderOf(personId) : undefined
    const name = open[0]?.personName ?? deps.people.get(personId)?.name ?? personId
    const note = latestNoteOf(open)
    return (reads) => incidentOf(personId, name, open.map((a) => alertFor(a, reads, deps.wishes)), holder, note)
  }
  /** The newest note on the incident's alerts, by the display name its writer had then. */
  const latestNoteOf = (alerts: readonly Alert[]): LatestNote => {
    const notes = alerts.flatMap((a) => deps.alerts.history(a.id)).filter((e) => e.action === 'note' && e.detail !== null)
    const newest = notes.sort((a, b) => b.at.localeCompare(a.at))[0]
    if (!newest) return null
    const by = newest.by === null ? 'Hearth' : (deps.users.holderOf(newest.by, Date.parse(newest.at))?.displayName ?? newest.by)
    return { at: newest.at, by, text: newest.detail as string }
  }
  return {
    holderOf,
    /** The reader's queue: one incident per person whose alerts they may see, emergencies first, oldest first. */
    queueFor(principal: Principal): Incident[] {
      const reads = new Map([...deps.guard.accessMap(principal)].map(([id, access]) => [id, personReads(principal, access)]))
      const ids = [...reads].filter(([, r]) => r.alerts).map(([id]) => id)
      const alerts = deps.alerts.listForPersons('open', ids, MAX_OPEN_ALERTS).map((a) => alertFor(a, reads.get(a.personId) as PersonReads, deps.wishes))
      return groupIncidents(alerts.sort(compareAlertsForQueue), holderOf, latestNoteOf)
    },
    incidentOf: personIncident,
    incidentFor: (personId: string, reads: Pick<PersonReads, 'vitals' | 'speakingTo'>): Incident => personIncident(personId)(reads),
  }
}
export type IncidentViews = ReturnType<typeof incidentViews>

/**
 * Every change to an alert changes its person's incident: a new alert joins it (still held), and
 * resolving the last one releases it. `changed` tells the live feed.
 */
export function watchIncidents(deps: {
  desk: Pick<AlertDesk, 'onChange'>
  alerts: Pick<AlertQueries, 'listForPersons'>
  incidentHolds: Pick<IncidentHolds, 'release'>
  changed: (personId: string) => void
}): () => void {
  return deps.desk.onChange((alert) => {
    if (alert.status === 'resolved' && deps.alerts.listForPersons('open', [alert.personId], 1).length === 0) deps.incidentHolds.release(alert.personId)
    deps.changed(alert.personId)
  })
}
