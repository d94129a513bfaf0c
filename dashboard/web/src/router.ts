import { useEffect, useState } from 'preact/hooks'
import type { PageName } from './access.js'

export type Route = { page: PageName } | { page: 'person'; personId: string } | { page: 'home' } | { page: 'unknown'; path: string }

const PAGE_NAMES: readonly string[] = ['me', 'queue', 'console', 'call-scripts', 'family', 'people', 'devices', 'figures', 'organisations', 'users', 'account'] satisfies readonly PageName[]

/** Hash routes (`#/queue`, `#/person/p-1`): the server serves one index.html and never sees them. */
export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#\/?/, '')
  if (path === '') return { page: 'home' }
  const [first, second] = path.split('/')
  if (first === 'person' && second) return { page: 'person', personId: decodeURIComponent(second) }
  if (first !== undefined && PAGE_NAMES.includes(first) && second === undefined) return { page: first as PageName }
  return { page: 'unknown', path }
}

function href(route: { page: PageName } | { page: 'person'; personId: string }): string {
  return route.page === 'person' ? `#/person/${encodeURIComponent(route.personId)}` : `#/${route.page}`
}

export function personHref(personId: string): string {
  return href({ page: 'person', personId })
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash))
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(window.location.hash))
    window.addEventListener('hashchange', onChange)
    return () => window.removeEventListener('hashchange', onChange)
  }, [])
  return route
}

export function navigate(route: { page: PageName } | { page: 'person'; personId: string }): void {
  window.location.hash = href(route)
}
