import type { LiveState } from '../live.js'

/** PROTOCOL §2 live feed: when it drops, say so at once; alerts on screen may be out of date. */
export function ConnectionBanner({ state }: { state: LiveState | 'off' }) {
  if (state !== 'lost') return null
  return (
    <div class="banner banner-lost" role="alert" data-testid="connection-banner">
      <strong>Live connection lost — reconnecting…</strong> Alerts shown may be out of date; they will be refreshed as soon as the
      connection is back.
    </div>
  )
}
