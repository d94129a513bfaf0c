import { useState } from 'preact/hooks'
import { formatDateTime } from '../format.js'
import { useTwoFactor } from './two-factor-context.js'
import { TwoFactorSetup } from './two-factor-setup.js'
import { TwoFactorTurnOff } from './two-factor-turn-off.js'

/** The user's own two-factor sign-in: whether it is on, setting it up, and (where the role allows) turning it off. */
export function TwoFactorSignIn() {
  const { standing, changed } = useTwoFactor()
  // On, its recovery codes on screen until the user has stored them.
  const [showingCodes, setShowingCodes] = useState(false)
  return (
    <section class="panel" aria-labelledby="two-factor-title" data-testid="two-factor" data-enabled={String(standing.enabled)}>
      <h2 id="two-factor-title">Two-factor sign-in</h2>
      {standing.enabled ? (
        <>
          <p>
            <strong>On.</strong> Signing in takes your password and a code from your authenticator app, or one of your recovery codes.
          </p>
          {standing.required ? (
            <p class="hint">Your role requires it, so it stays on. If you lose your phone and your recovery codes, an admin can reset it.</p>
          ) : (
            <TwoFactorTurnOff onOff={() => changed({ ...standing, enabled: false })} />
          )}
        </>
      ) : (
        <>
          {!showingCodes && (
            <p>
              <strong>Off.</strong> With it on, signing in takes a code from an authenticator app on your phone as well as your password, so a
              password someone else has learnt is not enough.
            </p>
          )}
          {!showingCodes && standing.required && standing.enrolBy !== null && (
            <p class="notice">Your role requires it: set it up by {formatDateTime(standing.enrolBy)}.</p>
          )}
          <TwoFactorSetup
            onConfirmed={() => setShowingCodes(true)}
            onEnrolled={() => {
              setShowingCodes(false)
              changed({ enabled: true, required: standing.required, enrolBy: null })
            }}
          />
        </>
      )}
    </section>
  )
}
