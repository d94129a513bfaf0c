import { WEEKDAYS, isFamily, type AvailabilityWindow, type ResponseStep, type Weekday } from '../../../../contract/response-plan-values.js'
import { ApiError, problemsFor } from '../api.js'
import { FieldProblems, invalidProps } from '../components/field-problems.js'
import { DAY_LABELS } from './plan-text.js'

export interface StepDraft {
  name: string
  relationship: string
  phone: string
  email: string
  /** Undefined: as the relationship says (FAMILY_RELATIONSHIPS); set once the checkbox is changed. */
  family: boolean | undefined
  /** Alert kinds or priorities, comma-separated; blank: every alert. */
  alertKinds: string
  /** None: any time. */
  windows: AvailabilityWindow[]
}

export const emptyStep = (): StepDraft => ({ name: '', relationship: '', phone: '', email: '', family: undefined, alertKinds: '', windows: [] })

export const draftOfStep = (s: ResponseStep): StepDraft => ({
  name: s.name,
  relationship: s.relationship,
  phone: s.phone,
  email: s.email ?? '',
  // Kept only where it differs from what the relationship says, so a changed relationship still decides.
  family: s.family === undefined || s.family === isFamily({ relationship: s.relationship }) ? undefined : s.family,
  alertKinds: (s.alertKinds ?? []).join(', '),
  windows: s.availability ?? [],
})

export function bodyOfStep(d: StepDraft): ResponseStep {
  const kinds = d.alertKinds
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k !== '')
  return {
    name: d.name.trim(),
    relationship: d.relationship.trim(),
    phone: d.phone.trim(),
    ...(d.email.trim() ? { email: d.email.trim() } : {}),
    ...(d.family === undefined ? {} : { family: d.family }),
    ...(d.windows.length > 0 ? { availability: d.windows } : {}),
    ...(kinds.length > 0 ? { alertKinds: kinds } : {}),
  }
}

const FIELDS = [
  { key: 'name', label: 'Name', type: 'text' },
  { key: 'relationship', label: 'Relationship', type: 'text' },
  { key: 'phone', label: 'Phone', type: 'tel' },
  { key: 'email', label: 'Email (optional)', type: 'email' },
  { key: 'alertKinds', label: 'For (alert kinds or priorities, blank for every alert)', type: 'text' },
] as const

/** The problems of this step that no field above shows (its availability, its alert kinds). */
function otherProblems(error: unknown, index: number): string[] {
  if (!(error instanceof ApiError)) return []
  const prefix = `steps.${index}.`
  const shown = new Set(['name', 'relationship', 'phone', 'email', 'alertKinds'].map((f) => prefix + f))
  return error.problems.filter((p) => p.field.startsWith(prefix) && !shown.has(p.field)).map((p) => `${p.field.slice(prefix.length)}: ${p.message}`)
}

/** One step of the plan: who, how to reach them, when, and for which alerts. */
export function StepEditor({ index, draft, error, onChange }: { index: number; draft: StepDraft; error: unknown; onChange: (draft: StepDraft) => void }) {
  const id = `plan-step-${index}`
  const setWindow = (w: number, change: Partial<AvailabilityWindow>) => onChange({ ...draft, windows: draft.windows.map((x, j) => (j === w ? { ...x, ...change } : x)) })
  const toggleDay = (w: number, day: Weekday, on: boolean) => {
    const days = draft.windows[w]?.days ?? []
    setWindow(w, { days: WEEKDAYS.filter((d) => (d === day ? on : days.includes(d))) })
  }
  const others = otherProblems(error, index)
  return (
    <fieldset class="plan-step" data-testid="plan-step-editor">
      <legend>Step {index + 1}</legend>
      <div class="form-grid">
        {FIELDS.map((f) => {
          const problems = problemsFor(error, `steps.${index}.${f.key}`)
          return (
            <div class={f.key === 'alertKinds' ? 'field wide' : 'field'} key={f.key}>
              <label for={`${id}-${f.key}`}>{f.label}</label>
              <input
                id={`${id}-${f.key}`}
                type={f.type}
                required={f.key === 'name' || f.key === 'relationship' || f.key === 'phone'}
                value={draft[f.key]}
                onInput={(e) => onChange({ ...draft, [f.key]: e.currentTarget.value })}
                {...invalidProps(`${id}-${f.key}`, problems)}
              />
              <FieldProblems id={`${id}-${f.key}-problems`} problems={problems} />
            </div>
          )
        })}
        <div class="field checkbox wide">
          <input id={`${id}-family`} type="checkbox" checked={draft.family ?? isFamily({ relationship: draft.relationship })} onChange={(e) => onChange({ ...draft, family: e.currentTarget.checked })} />
          <label for={`${id}-family`}>Family (emailed of alarms when the person shares them)</label>
        </div>
      </div>
      <fieldset class="plain availability">
        <legend>When they can be called {draft.windows.length === 0 && <span class="muted">(any time)</span>}</legend>
        {draft.windows.map((w, j) => (
          <div class="window-row" key={j}>
            {WEEKDAYS.map((day) => (
              <span class="checkbox" key={day}>
                <input id={`${id}-w${j}-${day}`} type="checkbox" checked={w.days.includes(day)} onChange={(e) => toggleDay(j, day, e.currentTarget.checked)} />
                <label for={`${id}-w${j}-${day}`}>{DAY_LABELS[day]}</label>
              </span>
            ))}
            <label for={`${id}-w${j}-from`}>from</label>
            <input id={`${id}-w${j}-from`} type="time" required value={w.from} onInput={(e) => setWindow(j, { from: e.currentTarget.value })} />
            <label for={`${id}-w${j}-to`}>to</label>
            <input id={`${id}-w${j}-to`} type="time" required value={w.to} onInput={(e) => setWindow(j, { to: e.currentTarget.value })} />
            <button type="button" onClick={() => onChange({ ...draft, windows: draft.windows.filter((_, k) => k !== j) })}>
              Remove<span class="visually-hidden"> time window {j + 1} of step {index + 1}</span>
            </button>
          </div>
        ))}
        <button type="button" onClick={() => onChange({ ...draft, windows: [...draft.windows, { days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', to: '17:00' }] })}>
          Add a time window<span class="visually-hidden"> to step {index + 1}</span>
        </button>
      </fieldset>
      {others.length > 0 && <p class="field-error">{others.join('; ')}</p>}
    </fieldset>
  )
}
