import { useState } from 'preact/hooks'
import type { Absence } from '../../../../contract/care-settings.js'
import { api, formErrorText, messageOf, problemsFor } from '../api.js'
import { FieldProblems, invalidProps } from '../components/field-problems.js'
import { formatDateTime } from '../format.js'
import { useApiData } from '../use-api-data.js'

function stateOf(a: Absence, nowMs: number): 'ended' | 'over' | 'active' | 'planned' {
  if (a.endedAt) return 'ended'
  if (Date.parse(a.to) <= nowMs) return 'over'
  return Date.parse(a.from) <= nowMs ? 'active' : 'planned'
}

const STATE_TEXT = { ended: 'Ended', over: 'Over', active: 'In progress', planned: 'Planned' } as const

/** `datetime-local` has no zone: it is this browser's local time. */
const toIso = (local: string) => new Date(local).toISOString()

/** Planned absences (hospital, holiday) silence the activity and device-silence rules while they last. */
export function AbsencesPanel({ personId, canEdit }: { personId: string; canEdit: boolean }) {
  const base = `/api/persons/${encodeURIComponent(personId)}/absences`
  const { data, error, reload } = useApiData<{ absences: Absence[] }>(base)
  const [from, setFrom] = useState('')
  const [to, setTo] = useState('')
  const [reason, setReason] = useState('')
  const [saveError, setSaveError] = useState<unknown>()
  const [busy, setBusy] = useState(false)
  const now = Date.now()

  const run = async (action: () => Promise<unknown>, after?: () => void) => {
    setBusy(true)
    setSaveError(undefined)
    try {
      await action()
      after?.()
      reload()
    } catch (caught) {
      setSaveError(caught)
    } finally {
      setBusy(false)
    }
  }
  const add = (event: SubmitEvent) => {
    event.preventDefault()
    void run(
      () => api(base, { method: 'POST', body: { from: toIso(from), to: toIso(to), reason: reason.trim() } }),
      () => {
        setFrom('')
        setTo('')
        setReason('')
      },
    )
  }
  const problems = (field: string) => problemsFor(saveError, field)

  return (
    <section class="panel" aria-labelledby="person-absences" data-testid="absences">
      <h2 id="person-absences" tabIndex={-1}>
        Planned absences
      </h2>
      <p class="hint">While an absence lasts, no activity, night-time, device-offline or missed-medication alerts are raised. Alarms, falls, smoke and vital signs still are.</p>
      {error !== undefined && <p class="notice">Could not load absences: {messageOf(error)}</p>}
      {data && data.absences.length === 0 && <p class="muted">None.</p>}
      {data && data.absences.length > 0 && (
        <ul class="absences">
          {data.absences.map((a) => {
            const state = stateOf(a, now)
            return (
              <li key={a.id} data-state={state}>
                <span class="tag">{STATE_TEXT[state]}</span> {formatDateTime(a.from)} to {formatDateTime(a.endedAt ?? a.to)}: {a.reason} <span class="muted">({a.createdBy})</span>
                {canEdit && (state === 'active' || state === 'planned') && (
                  <button type="button" disabled={busy} onClick={() => void run(() => api(`${base}/${encodeURIComponent(a.id)}/end`, { method: 'POST' }))}>
                    {state === 'planned' ? 'Cancel' : 'End now'}
                    <span class="visually-hidden"> the absence from {formatDateTime(a.from)}</span>
                  </button>
                )}
              </li>
            )
          })}
        </ul>
      )}
      {canEdit && (
        <form class="form-grid" onSubmit={add}>
          <div class="field">
            <label for="absence-from">From</label>
            <input id="absence-from" type="datetime-local" required value={from} onInput={(e) => setFrom(e.currentTarget.value)} {...invalidProps('absence-from', problems('from'))} />
            <FieldProblems id="absence-from-problems" problems={problems('from')} />
          </div>
          <div class="field">
            <label for="absence-to">To</label>
            <input id="absence-to" type="datetime-local" required value={to} onInput={(e) => setTo(e.currentTarget.value)} {...invalidProps('absence-to', problems('to'))} />
            <FieldProblems id="absence-to-problems" problems={problems('to')} />
          </div>
          <div class="field wide">
            <label for="absence-reason">Reason</label>
            <input id="absence-reason" required maxLength={500} value={reason} onInput={(e) => setReason(e.currentTarget.value)} {...invalidProps('absence-reason', problems('reason'))} />
            <FieldProblems id="absence-reason-problems" problems={problems('reason')} />
          </div>
          <div class="form-actions wide">
            <button type="submit" class="primary" disabled={busy}>
              Plan absence
            </button>
            <p class="error" role="alert">
              {formErrorText(saveError, (f) => ['from', 'to', 'reason'].includes(f))}
            </p>
          </div>
        </form>
      )}
    </section>
  )
}
