import { useEffect, useRef, useState } from 'preact/hooks'
import type { SessionUser } from '../access.js'
import { api, ApiError, messageOf } from '../api.js'
import type { TwoFactorStanding } from '../me/two-factor-context.js'

/** POST /api/auth/login's answer: who signed in, and their two-factor sign-in. */
export interface SignedIn {
  user: SessionUser
  twoFactor: TwoFactorStanding
}

interface Props {
  notice: string
  onSignedIn: (answer: SignedIn) => void
}

/** What the form says when the API refuses a sign-in. */
function refusalText(caught: unknown, askedForCode: boolean): string {
  if (!(caught instanceof ApiError)) return messageOf(caught)
  if (caught.code === 'two_factor_required') return askedForCode ? 'That code is wrong or has been used. Enter the code the app shows now.' : ''
  return caught.status === 401 ? 'Wrong username or password.' : messageOf(caught)
}

/** The sign-in form; for an account with two-factor sign-in, the password is followed by a code. */
export function SignIn({ notice, onSignedIn }: Props) {
  const [error, setError] = useState('')
  const [busy, setBusy] = useState(false)
  const [askCode, setAskCode] = useState(false)
  const username = useRef<HTMLInputElement>(null)
  const code = useRef<HTMLInputElement>(null)

  useEffect(() => username.current?.focus(), [])
  useEffect(() => {
    if (askCode) code.current?.focus()
  }, [askCode])

  const submit = async (event: SubmitEvent) => {
    event.preventDefault()
    const form = new FormData(event.currentTarget as HTMLFormElement)
    const field = (name: string) => {
      const value = form.get(name)
      return typeof value === 'string' ? value : ''
    }
    setBusy(true)
    setError('')
    try {
      const typedCode = askCode ? field('code').trim() : ''
      const answer = await api<SignedIn>('/api/auth/login', {
        method: 'POST',
        body: { username: field('username').trim(), password: field('password'), ...(typedCode === '' ? {} : { code: typedCode }) },
        expectUnauthorized: true,
      })
      onSignedIn(answer)
    } catch (caught) {
      const needsCode = caught instanceof ApiError && caught.code === 'two_factor_required'
      setError(refusalText(caught, askCode))
      // A wrong password after the code was asked for: back to the password alone.
      setAskCode(needsCode)
      if (needsCode && code.current) {
        code.current.value = ''
        code.current.focus()
      }
      setBusy(false)
    }
  }

  return (
    <div class="signin-page">
      <header class="signin-brand">
        <h1>Hearth</h1>
        <p>Telecare monitoring: live alerts and the people behind them.</p>
      </header>
      <main id="main" class="panel signin-panel">
        <h2>Sign in</h2>
        {notice && (
          <p class="notice" role="status">
            {notice}
          </p>
        )}
        <form data-testid="signin-form" class="stack" onSubmit={(e) => void submit(e)}>
          <label for="signin-username">Username</label>
          <input id="signin-username" ref={username} name="username" autocomplete="username" autocapitalize="none" spellcheck={false} required />
          <label for="signin-password">Password</label>
          <input id="signin-password" name="password" type="password" autocomplete="current-password" required />
          {askCode && (
            <>
              <label for="signin-code">Code from your authenticator app</label>
              <p id="signin-code-hint" class="hint">
                The 6-digit code it shows for Hearth now, or one of your recovery codes if you do not have your phone.
              </p>
              <input id="signin-code" ref={code} name="code" autocomplete="one-time-code" autocapitalize="none" spellcheck={false} required aria-describedby="signin-code-hint" />
            </>
          )}
          <button type="submit" class="primary" disabled={busy}>
            {busy ? 'Signing in…' : 'Sign in'}
          </button>
          <p class="error" role="alert">
            {error}
          </p>
        </form>
      </main>
    </div>
  )
}
