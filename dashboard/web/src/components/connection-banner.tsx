import type { LiveState } from '../live.js'

/** PROTOCOL §2 live feed: when it drops, say so at once; alerts on screen may be out of date. */
export function ConnectionBanner({ state, resyncFailed }: { state: LiveState | 'off'; resyncFailed: boolean }) {
  if (resyncFailed) {
    return (
      <div class="banner banner-lost" role="alert" data-testid="connection-banner">
        <strong>Not live — could not refresh the alerts, retrying…</strong> Alerts shown may be out of date until the refresh works.
      </div>
    )
  }
  if (state !== 'lost') return null
  return (
    <div class="banner banner-lost" role="alert" data-testid="connection-banner">
      <strong>Live connection lost — reconnecting…</strong> Alerts shown may be out of date; they will be refreshed as soon as the
      connection is back.
    </div>
  )
}
