import { useEffect, useState } from 'preact/hooks'

/** The page's two shared live regions: one polite, one assertive (role="alert") for emergencies. */
type Listener = (text: string, assertive: boolean) => void
let listener: Listener | undefined

/** Reads `text` out through the shared regions; no item carries a live region of its own. */
export function announce(text: string, assertive = false): void {
  listener?.(text, assertive)
}

export function Announcer() {
  const [polite, setPolite] = useState('')
  const [urgent, setUrgent] = useState('')
  useEffect(() => {
    // The same words twice must still be read out: a trailing no-break space makes them differ.
    const fresh = (old: string, text: string) => (old === text ? `${text}\u00a0` : text)
    listener = (text, assertive) => (assertive ? setUrgent((old) => fresh(old, text)) : setPolite((old) => fresh(old, text)))
    return () => {
      listener = undefined
    }
  }, [])
  return (
    <>
      <div class="visually-hidden" aria-live="polite" aria-atomic="true" data-testid="announcer">
        {polite}
      </div>
      <div class="visually-hidden" role="alert" aria-atomic="true" data-testid="urgent-announcer">
        {urgent}
      </div>
    </>
  )
}
