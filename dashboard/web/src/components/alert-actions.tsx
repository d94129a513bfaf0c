import { useState } from 'preact/hooks'
import type { Alert } from '../../../../contract/alert.js'
import { OUTCOMES, type Outcome } from '../../../../contract/alert-values.js'
import { announce } from '../announcer.js'
import { api } from '../api.js'
import { conflictText } from '../conflict-text.js'
import { OUTCOME_LABELS } from '../format.js'
import type { AlertQueue } from '../alert-queue.js'
import { useAlertQueue } from '../live-queue.js'

interface Result {
  text: string
  isError: boolean
}

/** Focuses an element once the list has re-rendered after an action. */
function focusSoon(elementId: string): void {
  window.setTimeout(() => document.getElementById(elementId)?.focus(), 0)
}

/** Where focus goes once `id` leaves the queue: the alert that took its place, or the queue's heading. */
function nextInQueue(queue: AlertQueue, id: string, index: number): string {
  const after = queue.sorted().filter((a) => a.id !== id)
  const next = after[Math.min(Math.max(index, 0), after.length - 1)]
  return next ? `alert-title-${next.id}` : 'queue-title'
}

export function AlertActions({ alert, stale }: { alert: Alert; stale: boolean }) {
  const queue = useAlertQueue()
  const [busy, setBusy] = useState(false)
  const [result, setResult] = useState<Result | undefined>()
  const [note, setNote] = useState('')
  const [outcome, setOutcome] = useState<Outcome | ''>('')
  const [resolveNote, setResolveNote] = useState('')
  const id = alert.id

  const act = async (path: string, body: unknown, done: string, after?: () => void) => {
    setBusy(true)
    setResult(undefined)
    const index = queue.sorted().findIndex((a) => a.id === id)
    try {
      const answer = await api<Alert | { alert: Alert }>(`/api/alerts/${encodeURIComponent(id)}/${path}`, { method: 'POST', body })
      queue.apply('alert' in answer ? answer.alert : answer)
      setResult({ text: done, isError: false })
      // The shared polite region reads results out: no item carries a live region of its own.
      announce(`${alert.personName}: ${done}`)
      after?.()
      // The button pressed is gone (Acknowledge) or the whole item is (Resolve): focus must not fall to the page.
      if (path === 'acknowledge') focusSoon(`alert-title-${id}`)
      if (path === 'resolve') focusSoon(nextInQueue(queue, id, index))
    } catch (error) {
      const text = conflictText(error)
      setResult({ text, isError: true })
      announce(`${alert.personName}: ${text}`)
    } finally {
      setBusy(false)
    }
  }
  const forWhom = <span class="visually-hidden"> for {alert.personName}</span>

  const describedBy = stale ? 'queue-stale' : undefined
  return (
    <div class="alert-actions" data-stale={String(stale)}>
      {alert.status === 'raised' && (
        <button type="button" class="primary" data-testid="ack-button" disabled={busy} aria-describedby={describedBy} onClick={() => void act('acknowledge', {}, 'Taken by you.')}>
          Acknowledge
        </button>
      )}
      <form
        class="inline-form"
        onSubmit={(event) => {
          event.preventDefault()
          if (note.trim() === '') setResult({ text: 'Write the note first.', isError: true })
          else void act('notes', { text: note.trim() }, 'Note added.', () => setNote(''))
        }}
      >
        <label for={`note-${id}`}>Note{forWhom}</label>
        <input id={`note-${id}`} data-testid="note-input" maxLength={2000} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
        <button type="submit" data-testid="note-button" disabled={busy} aria-describedby={describedBy}>
          Add note
        </button>
      </form>
      <form
        class="inline-form"
        onSubmit={(event) => {
          event.preventDefault()
          if (outcome === '') return
          const text = resolveNote.trim()
          void act('resolve', { outcome, ...(text ? { note: text } : {}) }, 'Resolved.')
        }}
      >
        <label for={`outcome-${id}`}>Outcome{forWhom}</label>
        <select id={`outcome-${id}`} data-testid="resolve-outcome" required value={outcome} onChange={(e) => setOutcome(e.currentTarget.value as Outcome | '')}>
          <option value="">Choose…</option>
          {OUTCOMES.map((o) => (
            <option key={o} value={o}>
              {OUTCOME_LABELS[o]}
            </option>
          ))}
        </select>
        <label for={`resolve-note-${id}`}>
          Closing note{forWhom} (optional)
        </label>
        <input id={`resolve-note-${id}`} maxLength={4096} value={resolveNote} onInput={(e) => setResolveNote(e.currentTarget.value)} />
        <button type="submit" data-testid="resolve-button" disabled={busy} aria-describedby={describedBy}>
          Resolve
        </button>
      </form>
      <p class="action-result">{result && !result.isError ? result.text : ''}</p>
      <p class="action-result error" data-testid="action-error">
        {result?.isError ? result.text : ''}
      </p>
    </div>
  )
}
