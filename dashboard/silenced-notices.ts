import type { Absence, PersonAccess, SilencedNotice } from '../contract/index.js'

/** Who sees that a person's monitoring is silenced: whoever follows their alerts. */
export const followsAlerts = (access: PersonAccess): boolean => access.scopes.includes('alerts')

/** Whether the viewer may read why: a person's absences are for those who plan them or follow their care settings. */
const readsAbsences = (access: PersonAccess): boolean => access.scopes.includes('care-settings') || access.scopes.includes('absences:write')

/** An absence as the queue's notice of silenced monitoring, for a viewer with this access. */
export function silencedNotice(absence: Absence, personName: string, access: PersonAccess): SilencedNotice {
  return {
    absenceId: absence.id,
    personId: absence.personId,
    personName,
    from: absence.from,
    to: absence.to,
    reason: readsAbsences(access) ? absence.reason : null,
    createdBy: absence.createdBy,
    endedAt: absence.endedAt,
  }
}
