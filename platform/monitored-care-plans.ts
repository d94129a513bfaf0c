import type { CarePlan, CarePlans } from '../alerting/ports.js'
import { activeHoursInForce, type Routine } from '../contract/index.js'

/**
 * The care plans the rules judge by: none for an archived person, so that no rule (a device's
 * check-ins, inactivity, thresholds) raises anything about someone out of monitoring. An alarm a
 * device raises is not a rule's: it reaches the queue whoever the person is.
 *
 * PROTOCOL §2c: the person's own routine (wake to sleep, in what matters to them) sets their
 * active hours, so the inactivity window and the night of the night door and bed exit rules follow
 * their day, unless a clinician has set active hours in their care settings (wishes-values.ts
 * `activeHoursInForce`). Merged here and nowhere else.
 */
export function monitoredCarePlans(
  plans: { current(personId: string): (CarePlan & { activeHoursSet: boolean }) | undefined },
  people: { isArchived(personId: string): boolean },
  routines: { routineOf(personId: string): Routine | null },
): CarePlans {
  return {
    current(personId) {
      if (people.isArchived(personId)) return undefined
      const plan = plans.current(personId)
      if (!plan || plan.activeHoursSet) return plan
      const hours = activeHoursInForce(plan.settings, false, routines.routineOf(personId))
      if (hours.source !== 'routine') return plan
      return { personId: plan.personId, version: plan.version, thresholds: plan.thresholds, settings: { ...plan.settings, activeHours: { from: hours.from, to: hours.to } } }
    },
  }
}
