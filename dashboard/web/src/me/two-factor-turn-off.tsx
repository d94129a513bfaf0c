import { useState } from 'preact/hooks'
import { api, formErrorText, problemsFor } from '../api.js'
import { FieldProblems, invalidProps } from '../components/field-problems.js'
import { useSubmission } from '../use-submission.js'

/** DELETE /api/auth/two-factor, for a role that does not require it: the password and a current code (or a recovery code). */
export function TwoFactorTurnOff({ onOff }: { onOff: () => void }) {
  const [open, setOpen] = useState(false)
  const { busy, error, run } = useSubmission()

  const submit = (event: SubmitEvent) => {
    event.preventDefault()
    const form = new FormData(event.currentTarget as HTMLFormElement)
    const field = (name: string) => {
      const value = form.get(name)
      return typeof value === 'string' ? value : ''
    }
    void run(async () => {
      await api('/api/auth/two-factor', { method: 'DELETE', body: { password: field('password'), code: field('code') } })
      onOff()
    })
  }

  if (!open) {
    return (
      <button type="button" onClick={() => setOpen(true)}>
        Turn two-factor sign-in off
      </button>
    )
  }
  const problems = (name: string) => problemsFor(error, name)
  return (
    <form class="stack" aria-label="Turn two-factor sign-in off" onSubmit={submit}>
      <label for="two-factor-off-password">Your password</label>
      <input id="two-factor-off-password" name="password" type="password" autocomplete="current-password" required {...invalidProps('two-factor-off-password', problems('password'))} />
      <FieldProblems id="two-factor-off-password-problems" problems={problems('password')} />
      <label for="two-factor-off-code">A code from your authenticator app, or a recovery code</label>
      <input id="two-factor-off-code" name="code" autocomplete="one-time-code" required {...invalidProps('two-factor-off-code', problems('code'))} />
      <FieldProblems id="two-factor-off-code-problems" problems={problems('code')} />
      <div>
        <button type="submit" class="danger" disabled={busy}>
          Turn it off
        </button>
        <button type="button" disabled={busy} onClick={() => setOpen(false)}>
          Cancel
        </button>
      </div>
      <p class="error" role="alert">
        {formErrorText(error, (name) => name === 'password' || name === 'code')}
      </p>
    </form>
  )
}
