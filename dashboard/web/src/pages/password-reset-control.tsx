import { useState } from 'preact/hooks'
import { api, messageOf } from '../api.js'
import type { UserView } from '../types.js'

/**
 * POST /api/users/{id}/password: an admin sets a temporary password for a user who forgot theirs.
 * The user is signed out everywhere and chooses their own at the next sign-in.
 */
export function PasswordResetControl({ user, onDone }: { user: UserView; onDone: (message: { text: string; isError: boolean }) => void }) {
  const [open, setOpen] = useState(false)
  const [password, setPassword] = useState('')
  const [busy, setBusy] = useState(false)
  const id = `user-${user.id}-temporary-password`

  const submit = async (event: SubmitEvent) => {
    event.preventDefault()
    setBusy(true)
    try {
      await api(`/api/users/${encodeURIComponent(user.id)}/password`, { method: 'POST', body: { password } })
      onDone({ text: `${user.username} is signed out and chooses a new password at the next sign-in. Give them the temporary one in person or by phone.`, isError: false })
      setOpen(false)
      setPassword('')
    } catch (caught) {
      onDone({ text: messageOf(caught), isError: true })
    } finally {
      setBusy(false)
    }
  }

  if (!open) {
    return (
      <button type="button" data-testid="user-reset-password" onClick={() => setOpen(true)}>
        Reset password<span class="visually-hidden"> of {user.username}</span>
      </button>
    )
  }
  return (
    <form class="confirm" aria-label={`Reset the password of ${user.username}`} onSubmit={(e) => void submit(e)}>
      <label for={id}>Temporary password (at least 12 characters)</label>
      <input id={id} type="text" autocomplete="off" spellcheck={false} minLength={12} maxLength={1024} required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
      <button type="submit" class="danger" disabled={busy}>
        Set it and sign {user.username} out
      </button>
      <button type="button" disabled={busy} onClick={() => setOpen(false)}>
        Cancel
      </button>
    </form>
  )
}
