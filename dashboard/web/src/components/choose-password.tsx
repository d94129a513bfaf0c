import { useEffect, useRef, useState } from 'preact/hooks'
import type { SessionUser } from '../access.js'
import { api, formErrorText, problemsFor } from '../api.js'
import { useSubmission } from '../use-submission.js'
import { FieldProblems, invalidProps } from './field-problems.js'

interface Props {
  user: SessionUser
  /** The password is the user's own now: on to the app. */
  onChosen: () => void
  onSignOut: () => void
  /** When the user chose to change it (not made to): back to where they were. */
  onCancel?: () => void
}

/**
 * Signed in on a password someone else chose (an admin's reset, the generated first one): the
 * user chooses their own before anything else. Also reached from the account menu to change it.
 */
export function ChoosePassword({ user, onChosen, onSignOut, onCancel }: Props) {
  const { busy, error, run } = useSubmission()
  const [mismatch, setMismatch] = useState('')
  const current = useRef<HTMLInputElement>(null)
  useEffect(() => current.current?.focus(), [])

  const submit = (event: SubmitEvent) => {
    event.preventDefault()
    const form = new FormData(event.currentTarget as HTMLFormElement)
    const field = (name: string) => {
      const value = form.get(name)
      return typeof value === 'string' ? value : ''
    }
    if (field('newPassword') !== field('repeatPassword')) {
      setMismatch('The two new passwords differ.')
      return
    }
    setMismatch('')
    void run(async () => {
      await api('/api/auth/password', { method: 'POST', body: { currentPassword: field('currentPassword'), newPassword: field('newPassword') } })
      onChosen()
    })
  }

  const problems = (name: string) => problemsFor(error, name)
  return (
    <div class="signin-page">
      <header class="signin-brand">
        <h1>Hearth</h1>
        <p>Signed in as {user.displayName}.</p>
      </header>
      <main id="main" class="panel signin-panel">
        <h2>{user.mustChangePassword ? 'Choose your own password' : 'Change your password'}</h2>
        <p class="notice" role="status">
          {user.mustChangePassword ? 'Your password was set by someone else. Choose one only you know to carry on: ' : 'Your other sign-ins will end. The new one needs '}
          at least 12 characters; a few unrelated words make a good one.
        </p>
        <form data-testid="choose-password-form" class="stack" onSubmit={submit}>
          <label for="current-password">Current password</label>
          <input id="current-password" ref={current} name="currentPassword" type="password" autocomplete="current-password" required {...invalidProps('current-password', problems('currentPassword'))} />
          <FieldProblems id="current-password-problems" problems={problems('currentPassword')} />
          <label for="new-password">New password</label>
          <input id="new-password" name="newPassword" type="password" autocomplete="new-password" minLength={12} required {...invalidProps('new-password', problems('newPassword'))} />
          <FieldProblems id="new-password-problems" problems={problems('newPassword')} />
          <label for="repeat-password">New password again</label>
          <input id="repeat-password" name="repeatPassword" type="password" autocomplete="new-password" minLength={12} required />
          <button type="submit" class="primary" disabled={busy}>
            {busy ? 'Saving…' : 'Save and carry on'}
          </button>
          <p class="error" role="alert">
            {mismatch || formErrorText(error, (name) => name === 'currentPassword' || name === 'newPassword')}
          </p>
        </form>
        {onCancel ? (
          <button type="button" class="link-button" onClick={onCancel}>
            Back, without changing it
          </button>
        ) : (
          <button type="button" class="link-button" onClick={onSignOut}>
            Sign out
          </button>
        )}
      </main>
    </div>
  )
}
