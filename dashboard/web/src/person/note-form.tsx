import { useState } from 'preact/hooks'
import type { PersonNote } from '../../../../contract/circle-values.js'
import { announce } from '../announcer.js'
import { api, formErrorText, problemsFor } from '../api.js'
import { FieldProblems, invalidProps } from '../components/field-problems.js'
import { useSubmission } from '../use-submission.js'

/** A note on the record from any member with `notes:write`: every member who sees the timeline gets it at once. */
export function NoteForm({ personId, onWritten }: { personId: string; onWritten: () => void }) {
  const [text, setText] = useState('')
  const { busy, error, run } = useSubmission()
  const submit = async (event: SubmitEvent) => {
    event.preventDefault()
    await run(async () => {
      await api<PersonNote>(`/api/persons/${encodeURIComponent(personId)}/notes`, { method: 'POST', body: { text: text.trim() } })
      setText('')
      announce('Note added to the timeline.')
      onWritten()
    })
  }
  const problems = problemsFor(error, 'text')
  return (
    <section class="panel" aria-labelledby="person-notes" data-testid="note-form">
      <h2 id="person-notes" tabIndex={-1}>
        Add a note
      </h2>
      <form class="stack" onSubmit={(e) => void submit(e)}>
        <label for="note-text">Note for everyone in the circle who sees the timeline</label>
        <textarea id="note-text" rows={3} required maxLength={4000} value={text} onInput={(e) => setText(e.currentTarget.value)} {...invalidProps('note-text', problems)} />
        <FieldProblems id="note-text-problems" problems={problems} />
        <p class="hint">It is signed with your name, organisation and role.</p>
        <div class="form-actions">
          <button type="submit" class="primary" disabled={busy || text.trim() === ''}>
            Add note
          </button>
          <p class="error" role="alert">
            {formErrorText(error, (f) => f === 'text')}
          </p>
        </div>
      </form>
    </section>
  )
}
