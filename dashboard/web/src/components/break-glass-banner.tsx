import { useEffect, useRef, useState } from 'preact/hooks'
import type { BreakGlassGrant } from '../../../../contract/circle-values.js'
import { announce } from '../announcer.js'
import { api } from '../api.js'
import { breakGlassNoticeText } from '../circle-text.js'
import type { LiveHub } from '../live-hub.js'

/**
 * Emergency access to a person, told at once to their circle's admins and to the person: each
 * `break-glass` event, and after a gap in the connection those opened since this session began.
 */
export function useBreakGlassNotices(hub: LiveHub): { notices: BreakGlassGrant[]; dismiss: (id: string) => void } {
  const [notices, setNotices] = useState<BreakGlassGrant[]>([])
  const since = useRef<string>()
  const dismissed = useRef(new Set<string>())

  useEffect(() => {
    const add = (grants: readonly BreakGlassGrant[]) => {
      const fresh = grants.filter((g) => !dismissed.current.has(g.id))
      if (fresh.length === 0) return
      setNotices((old) => {
        const added = fresh.filter((g) => !old.some((o) => o.id === g.id))
        for (const g of added) announce(breakGlassNoticeText(g))
        return [...added, ...old]
      })
    }
    const offLive = hub.on('break-glass', (grant) => add([grant]))
    const offReady = hub.on('ready', (serverTime) => {
      const from = since.current
      since.current ??= serverTime
      if (from === undefined) return
      // Events missed while the connection was down.
      api<{ grants: BreakGlassGrant[] }>('/api/break-glass').then(
        ({ grants }) => add(grants.filter((g) => g.openedAt >= from)),
        () => undefined,
      )
    })
    return () => {
      offLive()
      offReady()
    }
  }, [hub])

  const dismiss = (id: string) => {
    dismissed.current.add(id)
    setNotices((old) => old.filter((g) => g.id !== id))
  }
  return { notices, dismiss }
}

/** On every page: someone outside a person's circle opened their record in an emergency. */
export function BreakGlassBanner({ notices, onDismiss }: { notices: readonly BreakGlassGrant[]; onDismiss: (id: string) => void }) {
  if (notices.length === 0) return null
  return (
    <div class="banner-stack">
      {notices.map((grant) => (
        <div key={grant.id} class="banner banner-break-glass" data-testid="break-glass-banner" data-person-id={grant.personId}>
          <span class="banner-icon" aria-hidden="true">
            !
          </span>
          <p>
            <strong>{breakGlassNoticeText(grant)}</strong>
          </p>
          <button type="button" onClick={() => onDismiss(grant.id)}>
            Dismiss<span class="visually-hidden"> the emergency access notice for {grant.personName}</span>
          </button>
        </div>
      ))}
    </div>
  )
}
