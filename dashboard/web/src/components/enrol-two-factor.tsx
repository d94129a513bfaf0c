import type { SessionUser } from '../access.js'
import { formatDateTime } from '../format.js'
import { TwoFactorSetup } from '../me/two-factor-setup.js'

interface Props {
  user: SessionUser
  enrolBy: string | null
  onEnrolled: () => void
  onSignOut: () => void
}

/**
 * Past the grace for a role that requires two-factor sign-in: the user sets it up before anything
 * else, as a password someone else chose is replaced before anything else.
 */
export function EnrolTwoFactor({ user, enrolBy, onEnrolled, onSignOut }: Props) {
  return (
    <div class="signin-page">
      <header class="signin-brand">
        <h1>Hearth</h1>
        <p>Signed in as {user.displayName}.</p>
      </header>
      <main id="main" class="panel signin-panel" data-testid="enrol-two-factor">
        <h2>Set up two-factor sign-in</h2>
        <p class="notice" role="status">
          Your role requires two-factor sign-in{enrolBy === null ? '' : `, due by ${formatDateTime(enrolBy)}`}. Set it up to carry on: from now on,
          signing in takes a code from an authenticator app on your phone as well as your password.
        </p>
        <TwoFactorSetup onEnrolled={onEnrolled} />
        <button type="button" class="link-button" onClick={onSignOut}>
          Sign out
        </button>
      </main>
    </div>
  )
}
