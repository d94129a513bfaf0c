import { ANSWER_TARGET_SECONDS, type Priority } from '../contract/index.js'

/**
 * How long an alert may wait for a person, by priority. The emergency acknowledgement deadline
 * is the industry target (TEC Services Association: 97.5% of alarm calls answered within 60 s,
 * 99% within 180 s); urgent alerts get the 180 s bound. After a deadline passes, the alert
 * escalates again every `repeatMs` until someone acknowledges it. An acknowledged alert that is
 * not resolved within `resolveDeadlineMs` goes back to the queue: the responder may have been
 * pulled away.
 */
export interface EscalationTimes {
  ackDeadlineMs: number
  repeatMs: number
  resolveDeadlineMs: number
}

const S = 1000
const MIN = 60 * S
const H = 60 * MIN

export const ESCALATION_POLICY: Record<Priority, EscalationTimes> = {
  emergency: { ackDeadlineMs: ANSWER_TARGET_SECONDS * S, repeatMs: 30 * S, resolveDeadlineMs: 30 * MIN },
  urgent: { ackDeadlineMs: 180 * S, repeatMs: 2 * MIN, resolveDeadlineMs: 1 * H },
  warning: { ackDeadlineMs: 15 * MIN, repeatMs: 10 * MIN, resolveDeadlineMs: 4 * H },
  technical: { ackDeadlineMs: 1 * H, repeatMs: 1 * H, resolveDeadlineMs: 24 * H },
}
