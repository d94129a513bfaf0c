import type { SessionUser } from '../access.js'
import { useDocumentTitle } from '../document-title.js'
import { TwoFactorSignIn } from '../me/two-factor-sign-in.js'

/** The signed-in user's own account: how they sign in. */
export function AccountPage({ user }: { user: SessionUser }) {
  useDocumentTitle('Your account')
  return (
    <section class="plain-page" data-testid="account-page" aria-labelledby="account-title">
      <h1 id="account-title">Your account</h1>
      <p class="lead">
        Signed in as <strong>{user.username}</strong> ({user.displayName}), {user.organisationName}.
      </p>
      <TwoFactorSignIn />
    </section>
  )
}
