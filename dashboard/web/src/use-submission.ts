import { useState } from 'preact/hooks'

/**
 * A form's sending: busy while it runs, the error it ended with (shown beside the fields it names).
 * `keepBusy` leaves the form busy after success, for forms whose page moves on.
 */
export function useSubmission() {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>()
  const run = async (action: () => Promise<void>, options: { keepBusy?: boolean } = {}): Promise<void> => {
    setBusy(true)
    setError(undefined)
    try {
      await action()
      if (!options.keepBusy) setBusy(false)
    } catch (caught) {
      setError(caught)
      setBusy(false)
    }
  }
  return { busy, error, run }
}
