import { ANSWER_TARGETS, type AnswerShare, type AnswerTimes } from '../contract/index.js'

export interface AnsweredAlarm {
  alertId: string
  personId: string
  personName: string
  kind: string
  raisedAtMs: number
  /** When a person first took it (acknowledged, or resolved one nobody had taken); null while waiting. */
  answeredAtMs: number | null
  answeredBy: string | null
}

const S60 = 60_000
const S180 = 180_000

function share(alarms: ReadonlyArray<{ waitMs: number }>): AnswerShare {
  const within60s = alarms.filter((a) => a.waitMs <= S60).length
  const within180s = alarms.filter((a) => a.waitMs <= S180).length
  const n = alarms.length
  return { alarms: n, within60s, within180s, share60s: n === 0 ? null : within60s / n, share180s: n === 0 ? null : within180s / n }
}

/**
 * Answer times of alarm calls against the industry targets (97.5% within 60 s, 99% within 180 s).
 * An alarm counts once it is decided: answered, or still waiting after 180 s (a miss of both).
 * One still waiting for less than that is left out until it is.
 */
export function summariseAnswerTimes(alarms: readonly AnsweredAlarm[], fromMs: number, toMs: number, nowMs: number): AnswerTimes {
  const decided = alarms
    .map((a) => ({ ...a, waitMs: (a.answeredAtMs ?? nowMs) - a.raisedAtMs }))
    .filter((a) => a.answeredAtMs !== null || a.waitMs > S180)
  const responders = [...new Set(decided.map((a) => a.answeredBy).filter((b): b is string => b !== null))].sort()
  return {
    from: new Date(fromMs).toISOString(),
    to: new Date(toMs).toISOString(),
    targets: ANSWER_TARGETS,
    overall: share(decided),
    byResponder: responders.map((responder) => ({ responder, ...share(decided.filter((a) => a.answeredBy === responder)) })),
    late: decided
      .filter((a) => a.waitMs > S180)
      .sort((a, b) => b.waitMs - a.waitMs)
      .slice(0, 200)
      .map((a) => ({
        alertId: a.alertId,
        personId: a.personId,
        personName: a.personName,
        kind: a.kind,
        raisedAt: new Date(a.raisedAtMs).toISOString(),
        answeredAfterSeconds: a.answeredAtMs === null ? null : Math.round(a.waitMs / 1000),
        acknowledgedBy: a.answeredBy,
      })),
  }
}
