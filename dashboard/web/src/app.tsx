import { useEffect, useMemo, useState } from 'preact/hooks'
import type { SessionUser } from './access.js'
import { api, ApiError, setSessionExpiredHandler } from './api.js'
import { Shell } from './shell.js'
import { ChoosePassword } from './components/choose-password.js'
import { EnrolTwoFactor } from './components/enrol-two-factor.js'
import { SignIn, type SignedIn } from './components/sign-in.js'
import { NO_TWO_FACTOR, TwoFactorContext, type TwoFactorStanding } from './me/two-factor-context.js'

/** Who is signed in decides everything else: the sign-in form, or the shell with its pages. */
export function App() {
  const [user, setUser] = useState<SessionUser | null | undefined>(undefined)
  const [notice, setNotice] = useState<string>('')
  const [changingPassword, setChangingPassword] = useState(false)
  const [twoFactor, setTwoFactor] = useState<TwoFactorStanding>(NO_TWO_FACTOR)
  const twoFactorState = useMemo(() => ({ standing: twoFactor, changed: setTwoFactor }), [twoFactor])
  const signedIn = (answer: SignedIn) => {
    setTwoFactor(answer.twoFactor)
    setUser(answer.user)
  }
  const signOut = () => {
    void api('/api/auth/logout', { method: 'POST' }).finally(() => {
      setNotice('You have signed out.')
      setUser(null)
    })
  }

  const sessionEnded = () => {
    setUser(null)
    setNotice('Your session has ended. Sign in again to carry on.')
  }

  useEffect(() => {
    setSessionExpiredHandler(sessionEnded)
    api<SignedIn>('/api/auth/me', { expectUnauthorized: true }).then(
      signedIn,
      (error: unknown) => {
        setUser(null)
        if (!(error instanceof ApiError && error.status === 401)) setNotice(error instanceof Error ? error.message : String(error))
      },
    )
    return () => setSessionExpiredHandler(undefined)
  }, [])

  if (user === undefined) return <p class="loading" role="status">Loading Hearth…</p>
  if (user === null) {
    return (
      <SignIn
        notice={notice}
        onSignedIn={(answer) => {
          setNotice('')
          signedIn(answer)
        }}
      />
    )
  }
  if (user.mustChangePassword || changingPassword) {
    return (
      <ChoosePassword
        user={user}
        onChosen={() => {
          setChangingPassword(false)
          setUser({ ...user, mustChangePassword: false })
        }}
        {...(user.mustChangePassword ? {} : { onCancel: () => setChangingPassword(false) })}
        onSignOut={signOut}
      />
    )
  }
  if (user.mustEnrolTwoFactor) {
    return (
      <EnrolTwoFactor
        user={user}
        enrolBy={twoFactor.enrolBy}
        onEnrolled={() => {
          setTwoFactor({ enabled: true, required: twoFactor.required, enrolBy: null })
          setUser({ ...user, mustEnrolTwoFactor: false })
        }}
        onSignOut={signOut}
      />
    )
  }
  return (
    <TwoFactorContext.Provider value={twoFactorState}>
    <Shell
      user={user}
      onSignedOut={() => {
        setNotice('You have signed out.')
        setUser(null)
      }}
      onSessionEnded={sessionEnded}
      onChangePassword={() => setChangingPassword(true)}
    />
    </TwoFactorContext.Provider>
  )
}
