import { ESCALATION_DEADLINES, PRIORITIES, type Priority } from '../contract/index.js'

/**
 * How long an alert may wait for a person, by priority, in the milliseconds the alert desk counts
 * in: the deadlines of contract/rule-defaults.ts (`ESCALATION_DEADLINES`, where they come from and
 * what each means).
 */
export interface EscalationTimes {
  ackDeadlineMs: number
  repeatMs: number
  resolveDeadlineMs: number
}

export const ESCALATION_POLICY: Readonly<Record<Priority, EscalationTimes>> = Object.fromEntries(
  PRIORITIES.map((priority) => {
    const { ackDeadlineSeconds, repeatSeconds, resolveDeadlineSeconds } = ESCALATION_DEADLINES[priority]
    return [priority, { ackDeadlineMs: ackDeadlineSeconds * 1000, repeatMs: repeatSeconds * 1000, resolveDeadlineMs: resolveDeadlineSeconds * 1000 }]
  }),
) as Record<Priority, EscalationTimes>
