import { useState } from 'preact/hooks'
import { api, formErrorText, problemsFor } from '../api.js'
import { CopyField } from '../components/copy-field.js'
import { FieldProblems, invalidProps } from '../components/field-problems.js'
import { useSubmission } from '../use-submission.js'

interface Pending {
  secret: string
  otpauthUri: string
}

/** The ten recovery codes, shown this once: the user says when they have stored them. */
function RecoveryCodes({ codes, onStored }: { codes: readonly string[]; onStored: () => void }) {
  return (
    <div class="stack" data-testid="recovery-codes">
      <p class="notice" role="status">
        <strong>Two-factor sign-in is on. Store these recovery codes now:</strong> they are shown only this once. Each signs you in once if you
        lose your phone. Keep them somewhere safe, such as a password manager, or printed and locked away.
      </p>
      <ol class="recovery-codes">
        {codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ol>
      <CopyField id="recovery-codes-copy" label="All ten recovery codes" value={codes.join('\n')} multiline />
      <button type="button" class="primary" onClick={onStored}>
        I have stored them
      </button>
    </div>
  )
}

/**
 * Setting up two-factor sign-in: a new secret for the authenticator app (the key and its otpauth
 * link), a code from the app to turn it on, then the recovery codes. `onConfirmed` as the codes
 * are shown; `onEnrolled` once the user has stored them.
 */
export function TwoFactorSetup({ onConfirmed, onEnrolled }: { onConfirmed?: () => void; onEnrolled: () => void }) {
  const [pending, setPending] = useState<Pending>()
  const [codes, setCodes] = useState<string[]>()
  const [code, setCode] = useState('')
  const [password, setPassword] = useState('')
  const { busy, error, run } = useSubmission()

  const start = () =>
    void run(async () => {
      setPending(await api<Pending>('/api/auth/two-factor/setup', { method: 'POST' }))
      setCode('')
    })
  const confirm = (event: SubmitEvent) => {
    event.preventDefault()
    void run(async () => {
      setCodes((await api<{ recoveryCodes: string[] }>('/api/auth/two-factor/confirm', { method: 'POST', body: { code: code.replace(/\s/g, ''), password } })).recoveryCodes)
      setPassword('')
      onConfirmed?.()
    })
  }

  if (codes) return <RecoveryCodes codes={codes} onStored={onEnrolled} />
  if (!pending) {
    return (
      <div class="stack">
        <button type="button" class="primary" data-testid="two-factor-start" disabled={busy} onClick={start}>
          Set up two-factor sign-in
        </button>
        <p class="error" role="alert">
          {formErrorText(error, () => false)}
        </p>
      </div>
    )
  }
  const problems = problemsFor(error, 'code')
  const passwordProblems = problemsFor(error, 'password')
  return (
    <form class="stack" data-testid="two-factor-setup" onSubmit={confirm}>
      <p>
        1. On your phone, open an authenticator app (such as Microsoft Authenticator, Google Authenticator or your password manager) and add an
        account with this key, or with the set-up link{' '}
        <a href={pending.otpauthUri} data-testid="two-factor-link">
          (opens the app on this device)
        </a>
        .
      </p>
      <CopyField id="two-factor-secret" label="Key" value={pending.secret} />
      <CopyField id="two-factor-uri" label="Set-up link" value={pending.otpauthUri} />
      <label for="two-factor-code">2. The 6-digit code the app shows for Hearth</label>
      <input
        id="two-factor-code"
        name="code"
        inputMode="numeric"
        autocomplete="one-time-code"
        pattern="[0-9 ]{6,7}"
        maxLength={7}
        required
        value={code}
        onInput={(e) => setCode(e.currentTarget.value)}
        {...invalidProps('two-factor-code', problems)}
      />
      <FieldProblems id="two-factor-code-problems" problems={problems} />
      <label for="two-factor-password">3. Your password, to show it is you</label>
      <input
        id="two-factor-password"
        name="password"
        type="password"
        autocomplete="current-password"
        required
        value={password}
        onInput={(e) => setPassword(e.currentTarget.value)}
        {...invalidProps('two-factor-password', passwordProblems)}
      />
      <FieldProblems id="two-factor-password-problems" problems={passwordProblems} />
      <button type="submit" class="primary" disabled={busy}>
        {busy ? 'Checking…' : 'Turn on two-factor sign-in'}
      </button>
      <p class="error" role="alert">
        {formErrorText(error, (field) => field === 'code' || field === 'password')}
      </p>
    </form>
  )
}
