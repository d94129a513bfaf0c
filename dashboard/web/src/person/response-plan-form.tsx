import { useState } from 'preact/hooks'
import type { ResponseStep } from '../../../../contract/response-plan-values.js'
import { api, formErrorText, problemsFor } from '../api.js'
import { ReasonActions } from '../components/reason-actions.js'
import { useSubmission } from '../use-submission.js'
import { StepEditor, bodyOfStep, draftOfStep, emptyStep, type StepDraft } from './response-step-editor.js'

/**
 * Edits the response plan: steps added, removed and moved up or down, then saved as a new version
 * with the reason for it.
 */
export function ResponsePlanForm({ personId, steps, onSaved, onCancel }: { personId: string; steps: Array<ResponseStep & { family: boolean }>; onSaved: (version: number) => void; onCancel: () => void }) {
  const [drafts, setDrafts] = useState<StepDraft[]>(() => steps.map(draftOfStep))
  const [reason, setReason] = useState('')
  const { busy, error, run } = useSubmission()
  const move = (from: number, to: number) => {
    const next = [...drafts]
    const [moved] = next.splice(from, 1)
    if (moved) next.splice(to, 0, moved)
    setDrafts(next)
  }
  const save = (event: SubmitEvent) => {
    event.preventDefault()
    void run(async () => {
      const saved = await api<{ version: number }>(`/api/persons/${encodeURIComponent(personId)}/response-plan`, { method: 'PUT', body: { steps: drafts.map(bodyOfStep), reason: reason.trim() } })
      onSaved(saved.version)
    })
  }
  const reasonProblems = problemsFor(error, 'reason')

  return (
    <form data-testid="plan-form" onSubmit={save}>
      <fieldset disabled={busy} class="plain">
        <legend class="visually-hidden">Response plan</legend>
        <ol class="plan-steps editing">
          {drafts.map((draft, i) => (
            <li key={i}>
              <StepEditor
                index={i}
                draft={draft}
                error={error}
                onChange={(changed) => setDrafts(drafts.map((d, j) => (j === i ? changed : d)))}
              />
              <div class="step-actions">
                <button type="button" disabled={i === 0} onClick={() => move(i, i - 1)}>
                  Move up<span class="visually-hidden"> {draft.name || `step ${i + 1}`}</span>
                </button>
                <button type="button" disabled={i === drafts.length - 1} onClick={() => move(i, i + 1)}>
                  Move down<span class="visually-hidden"> {draft.name || `step ${i + 1}`}</span>
                </button>
                <button type="button" onClick={() => setDrafts(drafts.filter((_, j) => j !== i))}>
                  Remove<span class="visually-hidden"> {draft.name || `step ${i + 1}`}</span>
                </button>
              </div>
            </li>
          ))}
        </ol>
        <button type="button" data-testid="plan-add-step" onClick={() => setDrafts([...drafts, emptyStep()])}>
          Add someone to call
        </button>
        <ReasonActions id="plan-reason" reason={reason} problems={reasonProblems} onReason={setReason} saveLabel="Save the plan" saveTestId="plan-save" onCancel={onCancel} />
      </fieldset>
      <p class="error" role="alert">
        {formErrorText(error, (field) => field === 'reason' || field.startsWith('steps.'))}
      </p>
    </form>
  )
}
