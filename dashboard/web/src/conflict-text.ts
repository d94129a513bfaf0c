import { ApiError, messageOf } from './api.js'

/** What to tell a responder whose action failed: "alert a-3 is already acknowledged by sam" becomes "Already taken by sam". */
export function conflictText(error: unknown): string {
  const message = messageOf(error)
  if (!(error instanceof ApiError) || error.code !== 'conflict') return message
  const taken = /already acknowledged by (\S+)/.exec(message)
  if (taken) return `Already taken by ${taken[1]}`
  const closed = /already resolved(?: by (\S+))?/.exec(message)
  if (closed) return closed[1] ? `Already resolved by ${closed[1]}` : 'Already resolved'
  return message
}
