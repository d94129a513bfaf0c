import { useRef, useState } from 'preact/hooks'

/** A read-only value with a copy button; falls back to selecting it where the clipboard API is not allowed (plain http). */
export function CopyField({ id, label, value, multiline = false }: { id: string; label: string; value: string; multiline?: boolean }) {
  const field = useRef<HTMLInputElement & HTMLTextAreaElement>(null)
  const [status, setStatus] = useState('')
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value)
      setStatus('Copied.')
    } catch {
      field.current?.focus()
      field.current?.select()
      setStatus('Selected: press Ctrl+C to copy.')
    }
  }
  return (
    <div class="field copy-field">
      <label for={id}>{label}</label>
      <div class="copy-row">
        {multiline ? (
          <textarea id={id} ref={field} readOnly rows={3} value={value} spellcheck={false} />
        ) : (
          <input id={id} ref={field} readOnly value={value} spellcheck={false} />
        )}
        <button type="button" onClick={() => void copy()}>
          Copy<span class="visually-hidden"> {label}</span>
        </button>
      </div>
      <p class="hint" role="status">
        {status}
      </p>
    </div>
  )
}
