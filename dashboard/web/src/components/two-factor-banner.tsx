import { formatDateTime } from '../format.js'
import { useTwoFactor } from '../me/two-factor-context.js'

/** On every page, for a role that requires two-factor sign-in while it is not yet on: by when, and where to set it up. */
export function TwoFactorBanner() {
  const { standing } = useTwoFactor()
  if (standing.enabled || !standing.required || standing.enrolBy === null) return null
  return (
    <div class="banner banner-lost" data-testid="two-factor-banner">
      <p>
        <strong>Set up two-factor sign-in by {formatDateTime(standing.enrolBy)}.</strong> Your role requires it; after then, Hearth opens
        nothing else until you do.
      </p>
      <a class="button" href="#/account">
        Set it up now
      </a>
    </div>
  )
}
