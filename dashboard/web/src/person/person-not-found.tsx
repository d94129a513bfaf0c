import { useState } from 'preact/hooks'
import type { BreakGlassGrant } from '../../../../contract/circle-values.js'
import { can, type SessionUser } from '../access.js'
import { api, formErrorText, problemsFor } from '../api.js'
import { FieldProblems, invalidProps } from '../components/field-problems.js'
import { useDocumentTitle } from '../document-title.js'
import { useSubmission } from '../use-submission.js'

const MIN_REASON = 10

/** POST /api/persons/{id}/break-glass: 60 minutes of access, recorded, and told at once to the circle's admins and the person. */
function EmergencyAccessForm({ personId, onOpened }: { personId: string; onOpened: () => void }) {
  const [reason, setReason] = useState('')
  const { busy, error, run } = useSubmission()
  const submit = async (event: SubmitEvent) => {
    event.preventDefault()
    await run(async () => {
      await api<BreakGlassGrant>(`/api/persons/${encodeURIComponent(personId)}/break-glass`, { method: 'POST', body: { reason: reason.trim() } })
      onOpened()
    }, { keepBusy: true })
  }
  const problems = problemsFor(error, 'reason')
  return (
    <form class="panel stack emergency-access" data-testid="break-glass-form" aria-labelledby="break-glass-title" onSubmit={(e) => void submit(e)}>
      <h2 id="break-glass-title">Emergency access</h2>
      <p>
        If this person needs help now and you are not in their circle of care, you can open their record for 60 minutes. Their circle's admins and the person
        are told at once, and every look is recorded with your reason.
      </p>
      <label for="break-glass-reason">Reason (at least {MIN_REASON} characters)</label>
      <textarea id="break-glass-reason" rows={3} required minLength={MIN_REASON} maxLength={512} value={reason} onInput={(e) => setReason(e.currentTarget.value)} {...invalidProps('break-glass-reason', problems)} />
      <FieldProblems id="break-glass-reason-problems" problems={problems} />
      <div class="form-actions">
        <button type="submit" class="danger" disabled={busy || reason.trim().length < MIN_REASON}>
          Open the record in an emergency
        </button>
        <p class="error" role="alert">
          {formErrorText(error, (f) => f === 'reason')}
        </p>
      </div>
    </form>
  )
}

/** Outside the circle a person does not exist (404); those who may break the glass are offered it. */
export function PersonNotFound({ personId, user, onOpened }: { personId: string; user: SessionUser; onOpened: () => void }) {
  useDocumentTitle('Person not found')
  return (
    <section data-testid="person-not-found" aria-labelledby="person-not-found-title">
      <h1 id="person-not-found-title">Person not found</h1>
      <p>No person found, or you are not in their circle of care.</p>
      <p>
        <a href="#/">Go to the start page</a>.
      </p>
      {can(user, 'break-glass') && <EmergencyAccessForm personId={personId} onOpened={onOpened} />}
    </section>
  )
}
