import { useState } from 'preact/hooks'
import type { Alert } from '../../../../contract/alert.js'
import { availableAt, CALL_OUTCOME_LABELS, CALL_OUTCOMES, stepCovers, type AlertCall, type CallOutcome, type NextStep, type ResponseStep } from '../../../../contract/response-plan-values.js'
import { serverNow } from '../answer-clock.js'
import { api, messageOf } from '../api.js'
import { formatTime } from '../format.js'
import type { ResponsePlanAnswer } from '../person/response-plan-panel.js'
import { alertKindsText, availabilityText } from '../person/plan-text.js'
import { useApiData } from '../use-api-data.js'

interface CallsAnswer {
  calls: AlertCall[]
  nextStep: NextStep | null
}

/** "No answer", "Will attend in about 15 min", as the log and the buttons say it. */
function callOutcomeText(call: Pick<AlertCall, 'outcome' | 'etaMinutes'>): string {
  const eta = call.outcome === 'will-attend' && call.etaMinutes !== null ? ` in about ${call.etaMinutes} min` : ''
  return `${CALL_OUTCOME_LABELS[call.outcome]}${eta}`
}

/** Why a step is not one to call about this alert now, if it is not: "Not for this alert", "Not available now". */
function notNow(step: ResponseStep, alert: Alert, timeZone: string | undefined): string | undefined {
  if (!stepCovers(step, alert)) return 'Not for this alert'
  if (timeZone && !availableAt(step, serverNow(), timeZone)) return 'Not available now'
  return undefined
}

/**
 * The person's response plan, walked on the call: whom to ring in order, the one to try next marked,
 * each call's outcome logged against its step (no answer and declined move on to the next).
 */
export function CallPlan({ personId, timeZone, alert, onLogged }: { personId: string; timeZone: string | undefined; alert: Alert; onLogged: () => void }) {
  const plan = useApiData<ResponsePlanAnswer>(`/api/persons/${encodeURIComponent(personId)}/response-plan`)
  const calls = useApiData<CallsAnswer>(`/api/alerts/${encodeURIComponent(alert.id)}/calls`)
  const [eta, setEta] = useState<Record<number, string>>({})
  const [result, setResult] = useState({ text: '', error: false })
  const [busy, setBusy] = useState(false)

  const log = async (step: number, outcome: CallOutcome) => {
    const minutes = eta[step]?.trim()
    const etaMinutes = outcome === 'will-attend' && minutes ? Number(minutes) : undefined
    if (etaMinutes !== undefined && !(Number.isInteger(etaMinutes) && etaMinutes >= 0 && etaMinutes <= 1440)) {
      setResult({ text: 'The time to arrive is whole minutes, 0 to 1440.', error: true })
      return
    }
    setBusy(true)
    try {
      const made = await api<{ call: AlertCall; nextStep: NextStep | null }>(`/api/alerts/${encodeURIComponent(alert.id)}/calls`, {
        method: 'POST',
        body: { step, outcome, ...(etaMinutes === undefined ? {} : { etaMinutes }) },
      })
      const next = made.nextStep ? ` Next: ${made.nextStep.name} (${made.nextStep.relationship}).` : ''
      setResult({ text: `${made.call.name}: ${callOutcomeText(made.call)}.${next}`, error: false })
      calls.reload()
      onLogged()
    } catch (caught) {
      setResult({ text: `Could not log the call: ${messageOf(caught)}`, error: true })
    } finally {
      setBusy(false)
    }
  }

  const steps = plan.data?.steps ?? []
  const next = calls.data?.nextStep?.index
  return (
    <section class="desk-panel" aria-labelledby="desk-plan" data-testid="call-plan">
      <h3 id="desk-plan">Response plan {plan.data && plan.data.version > 0 && <span class="muted">· version {plan.data.version}</span>}</h3>
      {plan.error !== undefined && <p class="notice">Could not load the response plan: {messageOf(plan.error)}</p>}
      {plan.data && steps.length === 0 && <p class="muted">No response plan: ring the emergency services if help is needed.</p>}
      <ol class="call-steps">
        {steps.map((step, i) => {
          const made = (calls.data?.calls ?? []).filter((c) => c.step === i && c.planVersion === plan.data?.version)
          const why = notNow(step, alert, timeZone)
          return (
            <li key={i} class="call-step" data-testid="call-step" data-next={String(next === i)} data-not-now={String(why !== undefined)}>
              <div>
                <strong>{step.name}</strong>, {step.relationship} · <a href={`tel:${step.phone}`}>{step.phone}</a>
                {next === i && <span class="tag tag-next">Call next</span>}
                {why && (
                  <span class="tag" data-testid="call-step-not-now">
                    {why}
                  </span>
                )}
                <br />
                <span class="muted">
                  {availabilityText(step.availability)} · {alertKindsText(step.alertKinds)}
                </span>
                {made.length > 0 && (
                  <ul class="call-made" data-testid="calls-made">
                    {made.map((c) => (
                      <li key={c.id}>
                        {formatTime(c.at)} {callOutcomeText(c)} · {c.byName}
                      </li>
                    ))}
                  </ul>
                )}
              </div>
              <div class="call-buttons" role="group" aria-label={`Outcome of the call to ${step.name}`}>
                {CALL_OUTCOMES.map((outcome) => (
                  <button key={outcome} type="button" class="small" data-testid={`call-${outcome}`} disabled={busy} onClick={() => void log(i, outcome)}>
                    {CALL_OUTCOME_LABELS[outcome]}
                  </button>
                ))}
                <label class="eta">
                  ETA min
                  <input data-testid="call-eta" inputMode="numeric" size={4} value={eta[i] ?? ''} onInput={(e) => setEta({ ...eta, [i]: e.currentTarget.value })} />
                </label>
              </div>
            </li>
          )
        })}
      </ol>
      <p class={result.error ? 'error' : 'action-result'} role="status" data-testid="call-result">
        {result.text}
      </p>
    </section>
  )
}
