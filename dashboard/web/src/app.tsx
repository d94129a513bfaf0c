import { useEffect, useState } from 'preact/hooks'
import type { SessionUser } from './access.js'
import { api, ApiError, setSessionExpiredHandler } from './api.js'
import { Shell } from './shell.js'
import { ChoosePassword } from './components/choose-password.js'
import { SignIn } from './components/sign-in.js'

interface MeAnswer {
  user: SessionUser
}

/** Who is signed in decides everything else: the sign-in form, or the shell with its pages. */
export function App() {
  const [user, setUser] = useState<SessionUser | null | undefined>(undefined)
  const [notice, setNotice] = useState<string>('')
  const [changingPassword, setChangingPassword] = useState(false)

  const sessionEnded = () => {
    setUser(null)
    setNotice('Your session has ended. Sign in again to carry on.')
  }

  useEffect(() => {
    setSessionExpiredHandler(sessionEnded)
    api<MeAnswer>('/api/auth/me', { expectUnauthorized: true }).then(
      (me) => setUser(me.user),
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
        onSignedIn={(signedIn) => {
          setNotice('')
          setUser(signedIn)
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
        onSignOut={() => {
          void api('/api/auth/logout', { method: 'POST' }).finally(() => {
            setNotice('You have signed out.')
            setUser(null)
          })
        }}
      />
    )
  }
  return (
    <Shell
      user={user}
      onSignedOut={() => {
        setNotice('You have signed out.')
        setUser(null)
      }}
      onSessionEnded={sessionEnded}
      onChangePassword={() => setChangingPassword(true)}
    />
  )
}
