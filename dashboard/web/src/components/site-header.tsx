import { useEffect, useState } from 'preact/hooks'
import { isPersonAccount, PAGES, type SessionUser } from '../access.js'
import { ROLE_LABELS } from '../format.js'
import type { LiveQueue } from '../live-queue.js'
import type { Route } from '../router.js'
import { isAudioLocked, isMuted, onAudioStateChange, setMuted, unlockAudio } from '../sound.js'

interface Props {
  user: SessionUser
  route: Route
  live: LiveQueue
  onSignOut: () => void
  onChangePassword: () => void
}

const LIVE_TEXT = { connecting: 'Connecting…', updating: 'Updating…', live: 'Live', lost: 'Not live' } as const

/** "Live" only once the view matches the server: connected and (for the queue) resynced since. */
function shownState(live: LiveQueue): keyof typeof LIVE_TEXT {
  if (live.state !== 'live' || live.fresh) return live.state
  return live.resyncFailed ? 'lost' : 'updating'
}

/** The mute preference, and while the browser keeps audio locked (after a reload), a way to unlock it. */
function SoundControls() {
  const [muted, setMutedState] = useState(isMuted)
  const [locked, setLocked] = useState(isAudioLocked)
  useEffect(() => onAudioStateChange(() => setLocked(isAudioLocked())), [])
  return (
    <>
      {locked && !muted && (
        <button type="button" class="sound-locked" data-testid="sound-unlock" onClick={unlockAudio}>
          Sound is off — click to enable
        </button>
      )}
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
    </>
  )
}

export function SiteHeader({ user, route, live, onSignOut, onChangePassword }: Props) {
  const current = route.page === 'person' ? 'people' : route.page
  const pages = PAGES.filter((page) => page.allowed(user))
  const open = live.queueEnabled ? live.queue.sorted().length : 0
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
        <span class="live-state" data-state={shownState(live)} role="status">
          {LIVE_TEXT[shownState(live)]}
        </span>
        {live.queueEnabled && <SoundControls />}
        <span class="who" data-testid="signed-in-as">
          {user.displayName}
          {!isPersonAccount(user) && (
            <span class="roles">
              <span class="visually-hidden">, </span>
              {user.roles.map((r) => ROLE_LABELS[r]).join(', ')} · {user.organisationName}
            </span>
          )}
        </span>
        <a href="#/account" data-testid="nav-account" aria-current={current === 'account' ? 'page' : undefined}>
          Your account
        </a>
        <button type="button" class="link-button" onClick={onChangePassword}>
          Change password
        </button>
        <button type="button" onClick={onSignOut}>
          Sign out
        </button>
      </div>
    </header>
  )
}
