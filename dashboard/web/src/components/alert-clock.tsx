import { useEffect, useRef } from 'preact/hooks'
import { registerClock } from '../answer-clock.js'

/** Time since the alert was raised; the shared ticker writes its text, so the list never re-renders for it. */
export function AlertClock({ raisedAt, waiting }: { raisedAt: string; waiting: boolean }) {
  const time = useRef<HTMLSpanElement>(null)
  const note = useRef<HTMLSpanElement>(null)
  useEffect(() => {
    if (!time.current) return undefined
    return registerClock(time.current, note.current, raisedAt, waiting)
  }, [raisedAt, waiting])
  return (
    <span class="clock-wrap">
      <span class="visually-hidden">{waiting ? 'Waiting for' : 'Open for'} </span>
      <span class="clock" data-testid="alert-clock" role="timer" ref={time} />
      <span class="clock-note" ref={note} />
    </span>
  )
}
