/**
 * When a follow-up is due, as the alert's log and the person's timeline say it: the person's own
 * local time ("Tue 3 Feb, 05:02"), which is when the responder will ring them.
 */
export function followUpDueText(dueAtIso: string, timeZone: string | undefined): string {
  const format = new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: timeZone ?? 'UTC' })
  return format.format(new Date(dueAtIso))
}
