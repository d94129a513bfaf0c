import { useState } from 'preact/hooks'
import type { Alert } from '../../../../contract/alert.js'
import type { CallScript } from '../../../../contract/follow-ups.js'
import { api, messageOf } from '../api.js'
import { kindText } from '../format.js'
import { useApiData } from '../use-api-data.js'

/**
 * The call script for the alert being answered ("Are you hurt? Can you get up? Are you warm?"),
 * as supervisors wrote it: the answers given go into the incident log.
 */
export function CallScriptPanel({ alert, onRecorded }: { alert: Alert; onRecorded: () => void }) {
  const scripts = useApiData<{ scripts: CallScript[] }>('/api/call-scripts')
  const script = scripts.data?.scripts.find((s) => s.kind === alert.kind)
  const [answers, setAnswers] = useState<Record<number, string>>({})
  const [result, setResult] = useState({ text: '', error: false })
  const [busy, setBusy] = useState(false)
  if (!script) return null
  const record = async () => {
    const given = script.questions.map((question, i) => ({ question, answer: (answers[i] ?? '').trim() })).filter((a) => a.answer !== '')
    if (given.length === 0) {
      setResult({ text: 'Write at least one answer first.', error: true })
      return
    }
    setBusy(true)
    try {
      await api(`/api/alerts/${encodeURIComponent(alert.id)}/script-answers`, { method: 'POST', body: { answers: given } })
      setResult({ text: `${given.length} answers recorded in the incident log.`, error: false })
      setAnswers({})
      onRecorded()
    } catch (caught) {
      setResult({ text: `Could not record the answers: ${messageOf(caught)}`, error: true })
    } finally {
      setBusy(false)
    }
  }
  return (
    <section class="desk-panel" aria-labelledby="desk-script" data-testid="call-script">
      <h3 id="desk-script">
        Call script: {kindText(alert.kind)} {script.version > 0 && <span class="muted">· version {script.version}</span>}
      </h3>
      <form
        class="script-form"
        onSubmit={(event) => {
          event.preventDefault()
          void record()
        }}
      >
        {script.questions.map((question, i) => (
          <label key={question} class="script-question">
            <span>{question}</span>
            <input data-testid="script-answer" maxLength={1000} value={answers[i] ?? ''} onInput={(e) => setAnswers({ ...answers, [i]: e.currentTarget.value })} />
          </label>
        ))}
        <button type="submit" data-testid="script-record" disabled={busy}>
          Record answers
        </button>
        <span class={result.error ? 'error' : 'muted'} role="status">
          {result.text}
        </span>
      </form>
    </section>
  )
}
