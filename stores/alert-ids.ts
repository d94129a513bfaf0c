import { HearthError } from '../contract/index.js'

/** An alert's id (`a-{seq}`) as the alerts table keys it: its sequence number; undefined for anything else. */
export function alertSeq(alertId: string): number | undefined {
  const match = /^a-(\d{1,15})$/.exec(alertId)
  return match ? Number(match[1]) : undefined
}

/** As alertSeq, for what is recorded against an alert (calls, follow-ups, attendance): an id that is no alert's is a 404. */
export function alertSeqOr404(alertId: string): number {
  const seq = alertSeq(alertId)
  if (seq === undefined) throw new HearthError('not_found', `no alert ${alertId}`)
  return seq
}
