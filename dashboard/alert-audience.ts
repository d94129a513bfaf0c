import type { Alert, PersonAccess } from '../contract/index.js'
import type { Principal } from './access-policy.js'
import { alertFor } from './alert-view.js'
import type { PersonGuard } from './person-guard.js'
import { personReads } from './person-reads.js'
import type { WishesStore } from './ports.js'

/**
 * Who, besides the signed-in users of the live feed, learns of an alert, and what of it: an
 * organisation's integrations (its webhooks), each reading with the roles it was set up with.
 * The same decision as the live feed's (live-alerts.ts): the person's circle of care, or
 * emergency access, read once per alert (person-guard.ts `deciderFor`); the `alerts` read; and
 * the alert as those reads show it (alert-view.ts), how to speak to the person included.
 */
export function alertAudience(guard: Pick<PersonGuard, 'deciderFor'>, wishes: Pick<WishesStore, 'current'>) {
  const seenWith = (alert: Alert, reader: Principal, access: PersonAccess | undefined): Alert | undefined => {
    if (!access) return undefined
    const reads = personReads(reader, access)
    return reads.alerts ? alertFor(alert, reads, wishes) : undefined
  }
  return (alert: Alert, readers: ReadonlyArray<Pick<Principal, 'id' | 'organisationId' | 'roles'>>): Array<Alert | undefined> => {
    const decide = guard.deciderFor(alert.personId)
    return readers.map((r) => {
      // An integration is no one's own account and holds no emergency access: only its organisation's place in the circle counts.
      const reader: Principal = { id: r.id, username: r.id, displayName: r.id, roles: r.roles, organisationId: r.organisationId, personId: null, viaToken: true }
      return seenWith(alert, reader, decide(reader))
    })
  }
}
