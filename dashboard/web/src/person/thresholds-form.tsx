import { useEffect, useState } from 'preact/hooks'
import { api, formErrorText, isForbidden, messageOf, problemsFor } from '../api.js'
import { FieldProblems, invalidProps } from '../components/field-problems.js'
import type { ThresholdsAnswer } from './person-page.js'
import { ThresholdRow } from './threshold-row.js'
import { buildThresholds, draftsFrom, editDraft, type BandKey, type ThresholdDraft } from './thresholds-draft.js'

interface Props {
  personId: string
  answer: ThresholdsAnswer | undefined
  error: unknown
  canEdit: boolean
  onSaved: () => void
}

/** The rules in force (defaults included); clinicians and admins replace the person's own with a reason. */
export function ThresholdsForm({ personId, answer, error, canEdit, onSaved }: Props) {
  const [drafts, setDrafts] = useState<ThresholdDraft[]>([])
  const [reason, setReason] = useState('')
  const [saveError, setSaveError] = useState<unknown>()
  const [local, setLocal] = useState<Map<string, string>>(new Map())
  const [sent, setSent] = useState<string[]>([])
  const [done, setDone] = useState('')
  const [busy, setBusy] = useState(false)
  /** The version the form was filled from, and whether the user has changed anything since. */
  const [loaded, setLoaded] = useState<ThresholdsAnswer>()
  const [dirty, setDirty] = useState(false)
  const [movedOn, setMovedOn] = useState<number>()

  const fill = (from: ThresholdsAnswer) => {
    setDrafts(draftsFrom(from.thresholds))
    setLoaded(from)
    setDirty(false)
    setMovedOn(undefined)
  }

  // A newer version: taken at once unless the user is editing, whom it must not overwrite; they are warned instead.
  useEffect(() => {
    if (!answer || answer.version === loaded?.version) return
    if (!dirty || !loaded) fill(answer)
    else setMovedOn(answer.version)
  }, [answer])

  // The server names problems by the index of the rule it was sent (`thresholds.2.above`).
  const problemsOf = (metric: string) => (field: string) => {
    const index = sent.indexOf(metric)
    const fromServer = index >= 0 ? problemsFor(saveError, `thresholds.${index}.${field}`) : []
    const mine = local.get(`${metric}.${field}`)
    return mine ? [mine, ...fromServer] : fromServer
  }

  const save = async (event: SubmitEvent) => {
    event.preventDefault()
    const built = buildThresholds(drafts)
    setLocal(built.problems)
    setSaveError(undefined)
    setDone('')
    if (built.problems.size > 0) return
    setBusy(true)
    setSent(built.thresholds.map((t) => t.metric))
    try {
      // Someone else may have saved since the form was filled: check first rather than overwrite their change.
      const current = await api<ThresholdsAnswer>(`/api/persons/${encodeURIComponent(personId)}/thresholds`)
      if (loaded && current.version !== loaded.version) {
        setMovedOn(current.version)
        return
      }
      const saved = await api<ThresholdsAnswer>(`/api/persons/${encodeURIComponent(personId)}/thresholds`, { method: 'PUT', body: { thresholds: built.thresholds, reason: reason.trim() } })
      setDone(saved.version === loaded?.version ? 'Saved: nothing changed, so no new version.' : `Saved as version ${saved.version}.`)
      setReason('')
      // The answer is the version now in force: the form carries on from it.
      fill(saved)
      onSaved()
    } catch (caught) {
      setSaveError(caught)
    } finally {
      setBusy(false)
    }
  }

  const update = (metric: string, change: Partial<ThresholdDraft>) => {
    setDirty(true)
    setDrafts((all) => all.map((d) => (d.metric === metric ? { ...d, ...change } : d)))
  }
  const edit = (metric: string, key: BandKey | 'forSeconds', value: string) => {
    setDirty(true)
    setDrafts((all) => all.map((d) => (d.metric === metric ? editDraft(d, key, value) : d)))
  }
  const reloadFromServer = async () => {
    try {
      fill(await api<ThresholdsAnswer>(`/api/persons/${encodeURIComponent(personId)}/thresholds`))
      onSaved()
    } catch (caught) {
      setSaveError(new Error(`Could not reload the thresholds: ${messageOf(caught)}`))
    }
  }
  // Back to the default: its values when the server showed them, blank when the person's own rule hid them.
  const revertToDefault = (metric: string) => {
    const shown = loaded ? draftsFrom(loaded.thresholds).find((d) => d.metric === metric && d.source === 'default') : undefined
    update(metric, shown ?? { own: false, above: '', below: '', clearAbove: '', clearBelow: '', forSeconds: '300', priority: 'urgent', touched: [], carried: { clearAbove: '', clearBelow: '' } })
  }
  const reasonProblems = problemsFor(saveError, 'reason')

  return (
    <section class="panel" aria-labelledby="person-thresholds">
      <h2 id="person-thresholds" tabIndex={-1}>
        Thresholds {loaded && <span class="muted">· editing care settings version {loaded.version} · NEWS2 SpO2 scale {loaded.news2Scale}</span>}
      </h2>
      {movedOn !== undefined && (
        <p class="notice" data-testid="thresholds-moved-on">
          Version {movedOn} has been saved: the thresholds were changed by someone else since you opened it — reload before saving.{' '}
          <button type="button" onClick={() => void reloadFromServer()}>
            Reload the thresholds
          </button>
        </p>
      )}
      {isForbidden(error) && <p class="notice">You do not have access to this person's thresholds.</p>}
      {!canEdit && <p class="hint">Only clinicians and admins change thresholds.</p>}
      <form data-testid="thresholds-form" onSubmit={(e) => void save(e)}>
        <fieldset disabled={!canEdit || busy} class="plain">
          <legend class="visually-hidden">Threshold rules</legend>
          <div class="table-wrap" role="region" aria-label="Threshold rules" tabIndex={0}>
            <table class="thresholds">
              <thead>
                <tr>
                  <th scope="col">Metric</th>
                  <th scope="col">Rule</th>
                  <th scope="col">Fires above</th>
                  <th scope="col">Fires below</th>
                  <th scope="col">Clears at or below</th>
                  <th scope="col">Clears at or above</th>
                  <th scope="col">For (s)</th>
                  <th scope="col">Priority</th>
                  <th scope="col">
                    <span class="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {drafts.map((draft) => (
                  <ThresholdRow key={draft.metric} draft={draft} problems={problemsOf(draft.metric)} onEdit={(key, value) => edit(draft.metric, key, value)} onChange={(c) => update(draft.metric, c)} onUseDefault={() => revertToDefault(draft.metric)} />
                ))}
              </tbody>
            </table>
          </div>
          {canEdit && (
            <div class="form-actions">
              <div class="field grow">
                <label for="threshold-reason">Reason for the change</label>
                <input id="threshold-reason" data-testid="threshold-reason" required maxLength={500} value={reason} onInput={(e) => setReason(e.currentTarget.value)} {...invalidProps('threshold-reason', reasonProblems)} />
                <FieldProblems id="threshold-reason-problems" problems={reasonProblems} />
              </div>
              <button type="submit" class="primary" data-testid="thresholds-save">
                Save thresholds
              </button>
            </div>
          )}
        </fieldset>
        <p class="hint" role="status">
          {done}
        </p>
        <p class="error" role="alert">
          {local.size > 0 ? 'Some values are not numbers: see the marked fields.' : formErrorText(saveError, (f) => f === 'reason' || /^thresholds\.\d+\.(above|below|clearAbove|clearBelow|forSeconds)$/.test(f))}
        </p>
      </form>
    </section>
  )
}
