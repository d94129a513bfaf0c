import { useState } from 'preact/hooks'
import { can, PAGES, type SessionUser } from '../access.js'
import { ROLE_LABELS } from '../format.js'
import type { LiveQueue } from '../live-queue.js'
import type { Route } from '../router.js'
import { isMuted, setMuted } from '../sound.js'

interface Props {
  user: SessionUser
  route: Route
  live: LiveQueue
  onSignOut: () => void
}

const LIVE_TEXT = { connecting: 'Connecting…', live: 'Live', lost: 'Not live' } as const

function MuteToggle() {
  const [muted, setMutedState] = useState(isMuted)
  return (
    <button
      type="button"
      class="mute"
      data-testid="mute-toggle"
      aria-pressed={muted}
      onClick={() => {
        setMuted(!muted)
        setMutedState(!muted)
      }}
    >
      <span class="mute-box" aria-hidden="true">
        {muted ? '✓' : ''}
      </span>
      Mute sound
    </button>
  )
}

export function SiteHeader({ user, route, live, onSignOut }: Props) {
  const current = route.page === 'person' ? 'people' : route.page
  const pages = PAGES.filter((page) => can(user, page.action))
  const open = live.state === 'off' ? 0 : live.queue.sorted().length
  return (
    <header class="site-header">
      <p class="brand">
        <a href="#/">Hearth</a>
      </p>
      <nav aria-label="Main">
        <ul>
          {pages.map((page) => (
            <li key={page.name}>
              <a href={`#/${page.name}`} data-testid={`nav-${page.name}`} aria-current={current === page.name ? 'page' : undefined}>
                {page.label}
                {page.name === 'queue' && open > 0 && <span class="count"> ({open})</span>}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <div class="user-tools">
        {live.state !== 'off' && (
          <span class="live-state" data-state={live.state} role="status">
            {LIVE_TEXT[live.state]}
          </span>
        )}
        {live.state !== 'off' && <MuteToggle />}
        <span class="who">
          {user.displayName}
          <span class="roles"> ({user.roles.map((r) => ROLE_LABELS[r]).join(', ')})</span>
        </span>
        <button type="button" onClick={onSignOut}>
          Sign out
        </button>
      </div>
    </header>
  )
}
