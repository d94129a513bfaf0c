import { useEffect, useRef, useState } from 'preact/hooks'
import type { CallScript } from '../../../../contract/follow-ups.js'
import { api, ApiError, formErrorText, problemsFor } from '../api.js'
import { FieldProblems, invalidProps } from '../components/field-problems.js'
import { ReasonActions } from '../components/reason-actions.js'
import { useSubmission } from '../use-submission.js'

/** As many as the API takes (contract/follow-ups.ts). */
const MAX_QUESTIONS = 12
const QUESTION_FIELD = /^questions\.(\d+)$/

/** One question a line, blank lines dropped. */
const questionsOf = (text: string): string[] =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')

/** The list's problems and its questions' (`questions.2`), numbered as the user counts them. */
function questionProblems(error: unknown): string[] {
  if (!(error instanceof ApiError)) return []
  return error.problems.flatMap((p) => {
    if (p.field === 'questions') return [p.message]
    const index = QUESTION_FIELD.exec(p.field)?.[1]
    return index === undefined ? [] : [`question ${Number(index) + 1}: ${p.message}`]
  })
}

const shownBeside = (field: string): boolean => field === 'reason' || field === 'questions' || QUESTION_FIELD.test(field)

/**
 * PUT /api/call-scripts/{kind}: the questions a responder asks for one alert kind, one a line, and
 * the reason for the change; saved as a new version. The API judges the lines and the reason and
 * its refusals are shown beside the fields.
 */
export function CallScriptForm(props: { kind: string; questions: readonly string[]; onSaved: (script: CallScript) => void; onCancel: () => void }) {
  const [text, setText] = useState(() => props.questions.join('\n'))
  const [reason, setReason] = useState('')
  const { busy, error, run } = useSubmission()
  const area = useRef<HTMLTextAreaElement>(null)
  useEffect(() => area.current?.focus(), [])

  const id = `script-${props.kind.replace(/\W+/g, '-')}`
  const questions = questionProblems(error)
  const reasonProblems = problemsFor(error, 'reason')
  const save = (event: SubmitEvent) => {
    event.preventDefault()
    void run(async () => {
      const path = `/api/call-scripts/${encodeURIComponent(props.kind)}`
      const saved = await api<CallScript>(path, { method: 'PUT', body: { questions: questionsOf(text), reason: reason.trim() } })
      props.onSaved(saved)
    })
  }

  return (
    // The API's refusal of an empty list or a missing reason is shown beside the field, not the browser's.
    <form class="form-grid" data-testid="call-script-form" noValidate onSubmit={save}>
      <fieldset disabled={busy} class="plain form-grid wide">
        <legend class="visually-hidden">Call script</legend>
        <div class="field wide">
          <label for={`${id}-questions`}>Questions (one a line, at most {MAX_QUESTIONS})</label>
          <textarea
            ref={area}
            id={`${id}-questions`}
            data-testid="call-script-questions"
            rows={Math.max(4, props.questions.length + 1)}
            value={text}
            onInput={(e) => setText(e.currentTarget.value)}
            {...invalidProps(`${id}-questions`, questions)}
          />
          <FieldProblems id={`${id}-questions-problems`} problems={questions} />
        </div>
        <ReasonActions
          id={`${id}-reason`}
          reason={reason}
          problems={reasonProblems}
          onReason={setReason}
          saveLabel="Save"
          saveTestId="call-script-save"
          reasonTestId="call-script-reason"
          onCancel={props.onCancel}
          wide
        />
      </fieldset>
      <p class="error wide" role="alert" data-testid="call-script-error">
        {formErrorText(error, shownBeside)}
      </p>
    </form>
  )
}
