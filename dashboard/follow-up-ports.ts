import type { Attendance, CallScript, FollowUp } from '../contract/index.js'

/** Follow-ups set on alerts; alerting raises them at their time. */
export interface FollowUps {
  add(followUp: { alertId: string; personId: string; dueAtMs: number; note: string; by: string }, nowMs: number): FollowUp
  get(id: string): FollowUp | undefined
  /** Soonest first. */
  forAlert(alertId: string): FollowUp[]
  /** A person's pending ones, due or not, soonest first. */
  pendingForPerson(personId: string): FollowUp[]
  /** False when it was raised or cancelled already. */
  cancel(id: string, by: string, nowMs: number): boolean
}

/** A mobile responder's arrival and clearing, against the alert. */
export interface AttendanceLog {
  add(attendance: Omit<Attendance, 'id' | 'at'>, nowMs: number): Attendance
  /** Oldest first. */
  forAlert(alertId: string): Attendance[]
}

/** Call scripts by alert kind, the shipped defaults until a supervisor writes a version. */
export interface CallScripts {
  all(): CallScript[]
  current(kind: string): CallScript | undefined
  write(kind: string, questions: readonly string[], reason: string, by: string, nowMs: number): CallScript
}
