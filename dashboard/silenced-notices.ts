import type { Absence, SilencedNotice } from '../contract/index.js'
import type { PersonReads } from './person-reads.js'

/** Who sees that a person's monitoring is silenced: whoever follows their alerts. */
export const followsAlerts = (reads: PersonReads): boolean => reads.alerts

/** An absence as the queue's notice of silenced monitoring; why, only to a viewer who may read the person's absences (person-reads.ts). */
export function silencedNotice(absence: Absence, personName: string, reads: PersonReads): SilencedNotice {
  return {
    absenceId: absence.id,
    personId: absence.personId,
    personName,
    from: absence.from,
    to: absence.to,
    reason: reads.absences ? absence.reason : null,
    createdBy: absence.createdBy,
    endedAt: absence.endedAt,
  }
}
