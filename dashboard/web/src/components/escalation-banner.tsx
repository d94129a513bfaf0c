import { useEffect, useRef, useState } from 'preact/hooks'
import type { Alert } from '../../../../contract/alert.js'
import type { AlertQueue } from '../alert-queue.js'
import { announce } from '../announcer.js'
import { kindText } from '../format.js'
import { playEscalationCue } from '../sound.js'

/** Open alerts nobody has acknowledged by their deadline (escalation level 1 and up), most urgent first. */
const escalatedAlerts = (queue: AlertQueue): Alert[] => queue.sorted().filter((a) => a.status === 'raised' && a.escalationLevel >= 1)

/**
 * For supervisors and admins: the alerts of the queue that escalated and are still not
 * acknowledged, with their own cue each time one joins them (muted as the emergency cue is).
 * Nothing for anyone else: responders keep the queue's own view.
 */
export function useEscalations(queue: AlertQueue, enabled: boolean): Alert[] {
  const [alerts, setAlerts] = useState<Alert[]>([])
  const heard = useRef(new Set<string>())
  useEffect(() => {
    if (!enabled) return undefined
    const update = (): void => {
      const now = escalatedAlerts(queue)
      const joined = now.filter((a) => !heard.current.has(a.id))
      heard.current = new Set(now.map((a) => a.id))
      setAlerts(now)
      const first = joined[0]
      if (!first) return
      playEscalationCue()
      announce(`Not answered in time: ${first.personName}, ${kindText(first.kind)}, escalated to you.`, true)
    }
    update()
    return queue.subscribe(update)
  }, [queue, enabled])
  return enabled ? alerts : []
}

/** The supervisor's banner for an alert nobody answered in time; it goes once the alert is acknowledged. */
export function EscalationBanner({ escalated }: { escalated: readonly Alert[] }) {
  const oldest = escalated[0]
  if (!oldest) return null
  const more = escalated.length - 1
  return (
    <div class="banner banner-escalation" data-testid="escalation-banner" data-alert-id={oldest.id}>
      <p>
        <strong>Not answered in time: {oldest.personName}</strong> — {kindText(oldest.kind)}, escalated to you
        {more > 0 && <> (and {more} more)</>}
      </p>
      <a class="button" href="#/queue">
        Open the queue
      </a>
    </div>
  )
}
