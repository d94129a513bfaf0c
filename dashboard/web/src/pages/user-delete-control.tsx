import { useState } from 'preact/hooks'
import { api, messageOf } from '../api.js'
import type { UserView } from '../types.js'

/**
 * DELETE /api/users/{id}: the account ends for good (its sessions, tokens and live screens at
 * once) and leaves this list; what the user did stays on the records, under their name. Asked twice.
 */
export function UserDeleteControl({ user, onDone }: { user: UserView; onDone: (message: { text: string; isError: boolean }) => void }) {
  const [confirming, setConfirming] = useState(false)
  const [busy, setBusy] = useState(false)
  const remove = async () => {
    setBusy(true)
    try {
      await api(`/api/users/${encodeURIComponent(user.id)}`, { method: 'DELETE' })
      onDone({ text: `${user.username} is deleted and signed out everywhere.`, isError: false })
    } catch (caught) {
      onDone({ text: messageOf(caught), isError: true })
      setConfirming(false)
    } finally {
      setBusy(false)
    }
  }
  if (!confirming) {
    return (
      <button type="button" data-testid="user-delete" onClick={() => setConfirming(true)}>
        Delete
        <span class="visually-hidden"> {user.username}</span>
      </button>
    )
  }
  return (
    <div class="confirm" role="group" aria-label={`Delete ${user.username}?`}>
      <p>
        Delete {user.username} for good? Their sessions, tokens and live screens end at once and they can no longer sign in. What they did stays on the records, under their
        name.
      </p>
      <button type="button" class="danger" data-testid="user-delete-confirm" disabled={busy} onClick={() => void remove()}>
        Yes, delete
        <span class="visually-hidden"> {user.username}</span>
      </button>
      <button type="button" disabled={busy} onClick={() => setConfirming(false)}>
        Cancel
      </button>
    </div>
  )
}
