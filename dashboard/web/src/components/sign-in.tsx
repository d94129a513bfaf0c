import { useEffect, useRef, useState } from 'preact/hooks'
import type { SessionUser } from '../access.js'
import { api, ApiError, messageOf } from '../api.js'

interface Props {
  notice: string
  onSignedIn: (user: SessionUser) => void
}

export function SignIn({ notice, onSignedIn }: Props) {
  const [error, setError] = useState('')
  const [busy, setBusy] = useState(false)
  const username = useRef<HTMLInputElement>(null)

  useEffect(() => username.current?.focus(), [])

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
      const answer = await api<{ user: SessionUser }>('/api/auth/login', {
        method: 'POST',
        body: { username: field('username').trim(), password: field('password') },
        expectUnauthorized: true,
      })
      onSignedIn(answer.user)
    } catch (caught) {
      setError(caught instanceof ApiError && caught.status === 401 ? 'Wrong username or password.' : messageOf(caught))
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
