import type { ComponentType } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import type { SessionUser } from '../access.js'

type PersonPageType = ComponentType<{ personId: string; user: SessionUser }>
let loaded: PersonPageType | undefined

/** The person view and its charts (uPlot) load on first visit, so the queue starts quicker. */
export function LazyPersonPage(props: { personId: string; user: SessionUser }) {
  const [Page, setPage] = useState<PersonPageType | undefined>(() => loaded)
  const [failed, setFailed] = useState(false)
  useEffect(() => {
    if (Page) return
    import('./person-page.js').then(
      (module) => {
        loaded = module.PersonPage
        setPage(() => module.PersonPage)
      },
      () => setFailed(true),
    )
  }, [Page])
  if (failed) return <p role="alert">Could not load this page. Check the connection and reload.</p>
  return Page ? <Page {...props} /> : <p role="status">Loading…</p>
}
