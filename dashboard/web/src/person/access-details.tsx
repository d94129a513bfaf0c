import { useState } from 'preact/hooks'
import { api, messageOf } from '../api.js'

/** The key-safe code is fetched only on request, and the server records every look in the access log. */
export function AccessDetails({ personId, hasAccessDetails }: { personId: string; hasAccessDetails: boolean | undefined }) {
  const [shown, setShown] = useState<{ text: string | null } | undefined>()
  const [error, setError] = useState<unknown>()
  const [busy, setBusy] = useState(false)
  const reveal = async () => {
    setBusy(true)
    setError(undefined)
    try {
      const answer = await api<{ accessDetails: string | null }>(`/api/persons/${encodeURIComponent(personId)}/access-details`)
      setShown({ text: answer.accessDetails })
    } catch (caught) {
      setError(caught)
    } finally {
      setBusy(false)
    }
  }
  return (
    <div class="access-details" data-testid="access-details">
      <h3>Key-safe code and access details</h3>
      {hasAccessDetails === false && !shown && <p class="muted">None recorded.</p>}
      {shown ? (
        <>
          <p class="pre secret" data-testid="access-details-text">
            {shown.text ?? 'None recorded.'}
          </p>
          <button type="button" onClick={() => setShown(undefined)}>
            Hide access details
          </button>
        </>
      ) : (
        hasAccessDetails !== false && (
          <button type="button" data-testid="access-details-show" disabled={busy} onClick={() => void reveal()} aria-describedby="access-details-recorded">
            Show key-safe code and access details
          </button>
        )
      )}
      <p class="hint" id="access-details-recorded">
        Every look is recorded in the person's access log, with your name and organisation.
      </p>
      <p class="error" role="alert">
        {error === undefined ? '' : `Could not show them: ${messageOf(error)}`}
      </p>
    </div>
  )
}
