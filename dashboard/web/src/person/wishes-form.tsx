import { useState } from 'preact/hooks'
import type { Wishes } from '../../../../contract/wishes-values.js'
import { api, formErrorText, problemsFor } from '../api.js'
import { FieldProblems, invalidProps } from '../components/field-problems.js'
import { ReasonActions } from '../components/reason-actions.js'
import { useSubmission } from '../use-submission.js'

interface Draft {
  preferredName: string
  preferredLanguage: string
  goals: string
  communicationNeeds: string
  wake: string
  sleep: string
  contactPreferences: string
  shareAlarmsWithFamily: boolean
  reason: string
}

const draftOf = (w: Wishes): Draft => ({
  preferredName: w.preferredName ?? '',
  preferredLanguage: w.preferredLanguage ?? '',
  goals: w.goals.join('\n'),
  communicationNeeds: w.communicationNeeds.join('\n'),
  wake: w.routine?.wake ?? '',
  sleep: w.routine?.sleep ?? '',
  contactPreferences: w.contactPreferences ?? '',
  shareAlarmsWithFamily: w.shareAlarmsWithFamily,
  reason: '',
})

/** One line each, blank lines dropped. */
const lines = (text: string): string[] =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')

const bodyOf = (d: Draft) => ({
  preferredName: d.preferredName.trim() || null,
  preferredLanguage: d.preferredLanguage.trim() || null,
  goals: lines(d.goals),
  communicationNeeds: lines(d.communicationNeeds),
  // Both times or neither: one alone is sent as it is, and the API names what is missing.
  routine: d.wake === '' && d.sleep === '' ? null : { wake: d.wake, sleep: d.sleep },
  contactPreferences: d.contactPreferences.trim() || null,
  shareAlarmsWithFamily: d.shareAlarmsWithFamily,
  reason: d.reason.trim(),
})

const TEXTS = [
  { key: 'preferredName', label: 'Preferred name', field: 'preferredName' },
  { key: 'preferredLanguage', label: 'Language', field: 'preferredLanguage' },
] as const
const AREAS = [
  { key: 'goals', label: 'Goals (one a line)', field: 'goals' },
  { key: 'communicationNeeds', label: 'Communication needs (one a line)', field: 'communicationNeeds' },
  { key: 'contactPreferences', label: 'Contact preferences', field: 'contactPreferences' },
] as const
const TIMES = [
  { key: 'wake', label: 'Gets up at', field: 'routine.wake' },
  { key: 'sleep', label: 'Goes to bed at', field: 'routine.sleep' },
] as const

const SHOWN = new Set(['preferredName', 'preferredLanguage', 'contactPreferences', 'routine.wake', 'routine.sleep', 'reason'])
const shownBeside = (field: string): boolean => SHOWN.has(field) || /^(goals|communicationNeeds)(\.|$)/.test(field)

/** Edits what matters to the person: a new version, with the reason for it. */
export function WishesForm({ personId, current, onSaved, onCancel }: { personId: string; current: Wishes; onSaved: (version: number) => void; onCancel: () => void }) {
  const [draft, setDraft] = useState<Draft>(() => draftOf(current))
  const { busy, error, run } = useSubmission()
  const set = (change: Partial<Draft>) => setDraft({ ...draft, ...change })
  const problems = (field: string) => (field === 'goals' || field === 'communicationNeeds' ? problemsUnder(error, field) : problemsFor(error, field))
  const save = (event: SubmitEvent) => {
    event.preventDefault()
    void run(async () => {
      const saved = await api<{ version: number }>(`/api/persons/${encodeURIComponent(personId)}/wishes`, { method: 'PUT', body: bodyOf(draft) })
      onSaved(saved.version)
    })
  }
  const input = (key: keyof Draft, field: string) => ({ id: `wishes-${key}`, ...invalidProps(`wishes-${key}`, problems(field)) })

  return (
    <form class="form-grid" data-testid="wishes-form" onSubmit={save}>
      <fieldset disabled={busy} class="plain form-grid wide">
        <legend class="visually-hidden">What matters to the person</legend>
        {TEXTS.map((t) => (
          <div class="field" key={t.key}>
            <label for={`wishes-${t.key}`}>{t.label}</label>
            <input {...input(t.key, t.field)} maxLength={80} value={draft[t.key]} onInput={(e) => set({ [t.key]: e.currentTarget.value })} />
            <FieldProblems id={`wishes-${t.key}-problems`} problems={problems(t.field)} />
          </div>
        ))}
        {TIMES.map((t) => (
          <div class="field" key={t.key}>
            <label for={`wishes-${t.key}`}>{t.label}</label>
            <input type="time" {...input(t.key, t.field)} value={draft[t.key]} onInput={(e) => set({ [t.key]: e.currentTarget.value })} />
            <FieldProblems id={`wishes-${t.key}-problems`} problems={problems(t.field)} />
          </div>
        ))}
        {AREAS.map((a) => (
          <div class="field wide" key={a.key}>
            <label for={`wishes-${a.key}`}>{a.label}</label>
            <textarea {...input(a.key, a.field)} rows={3} value={draft[a.key]} onInput={(e) => set({ [a.key]: e.currentTarget.value })} />
            <FieldProblems id={`wishes-${a.key}-problems`} problems={problems(a.field)} />
          </div>
        ))}
        <div class="field checkbox wide">
          <input id="wishes-share" type="checkbox" checked={draft.shareAlarmsWithFamily} onChange={(e) => set({ shareAlarmsWithFamily: e.currentTarget.checked })} />
          <label for="wishes-share">Tell family in the response plan of an alarm and how it ended (by email)</label>
        </div>
        <ReasonActions id="wishes-reason" reason={draft.reason} problems={problems('reason')} onReason={(reason) => set({ reason })} saveLabel="Save" saveTestId="wishes-save" onCancel={onCancel} wide />
      </fieldset>
      <p class="error wide" role="alert">
        {formErrorText(error, shownBeside)}
      </p>
    </form>
  )
}

/** A list's problems, its lines' included (`goals.2`). */
function problemsUnder(error: unknown, field: string): string[] {
  return [...problemsFor(error, field), ...[...Array(20).keys()].flatMap((i) => problemsFor(error, `${field}.${i}`).map((m) => `line ${i + 1}: ${m}`))]
}
