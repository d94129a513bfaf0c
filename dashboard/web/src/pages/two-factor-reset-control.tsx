import { useState } from 'preact/hooks'
import { api, messageOf } from '../api.js'
import type { UserView } from '../types.js'

/**
 * DELETE /api/users/{id}/two-factor: a user who lost their authenticator and their recovery codes
 * signs in with their password again and sets it up anew. Asked twice.
 */
export function TwoFactorResetControl({ user, onDone }: { user: UserView; onDone: (message: { text: string; isError: boolean }) => void }) {
  const [confirming, setConfirming] = useState(false)
  const [busy, setBusy] = useState(false)

  const reset = async () => {
    setBusy(true)
    try {
      await api(`/api/users/${encodeURIComponent(user.id)}/two-factor`, { method: 'DELETE' })
      onDone({ text: `${user.username} signs in with their password alone until they set up two-factor sign-in again.`, isError: false })
      setConfirming(false)
    } catch (caught) {
      onDone({ text: messageOf(caught), isError: true })
    } finally {
      setBusy(false)
    }
  }

  if (!user.twoFactorEnabled) return null
  if (!confirming) {
    return (
      <button type="button" data-testid="user-reset-two-factor" onClick={() => setConfirming(true)}>
        Reset two-factor<span class="visually-hidden"> sign-in of {user.username}</span>
      </button>
    )
  }
  return (
    <div class="confirm" role="group" aria-label={`Reset the two-factor sign-in of ${user.username}?`}>
      <p>Reset the two-factor sign-in of {user.username}? Do it only once you are sure it is them asking: until they set it up again, their password alone signs in.</p>
      <button type="button" class="danger" disabled={busy} onClick={() => void reset()}>
        Yes, reset it<span class="visually-hidden"> for {user.username}</span>
      </button>
      <button type="button" disabled={busy} onClick={() => setConfirming(false)}>
        Cancel
      </button>
    </div>
  )
}
