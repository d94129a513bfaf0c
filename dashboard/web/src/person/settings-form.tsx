import { useEffect, useMemo, useState } from 'preact/hooks'
import type { CareSettings } from '../../../../contract/care-settings.js'
import { api, formErrorText, messageOf, problemsFor } from '../api.js'
import { FieldProblems, invalidProps } from '../components/field-problems.js'
import type { SettingsAnswer } from './care-settings-panel.js'

type Draft = Record<'news2Scale' | 'from' | 'to' | 'timeZone' | 'inactivityHours' | 'nightDoorMinutes' | 'bedExitMinutes', string>

function draftOf(s: CareSettings): Draft {
  return {
    news2Scale: String(s.news2Scale),
    from: s.activeHours.from,
    to: s.activeHours.to,
    timeZone: s.timeZone,
    inactivityHours: String(s.inactivityHours),
    nightDoorMinutes: String(s.nightDoorMinutes),
    bedExitMinutes: String(s.bedExitMinutes),
  }
}

/** Only what changed goes in the PATCH. */
function patchOf(draft: Draft, s: CareSettings): Record<string, unknown> {
  const patch: Record<string, unknown> = {}
  if (draft.news2Scale !== String(s.news2Scale)) patch.news2Scale = Number(draft.news2Scale)
  if (draft.from !== s.activeHours.from || draft.to !== s.activeHours.to) patch.activeHours = { from: draft.from, to: draft.to }
  if (draft.timeZone.trim() !== s.timeZone) patch.timeZone = draft.timeZone.trim()
  for (const key of ['inactivityHours', 'nightDoorMinutes', 'bedExitMinutes'] as const) if (draft[key] !== String(s[key])) patch[key] = Number(draft[key])
  return patch
}

const SHOWN = new Set(['news2Scale', 'activeHours.from', 'activeHours.to', 'timeZone', 'inactivityHours', 'nightDoorMinutes', 'bedExitMinutes', 'reason'])

const NUMBERS = [
  { key: 'inactivityHours', label: 'No activity alert after (hours, within active hours)', step: '0.25', min: 0.25 },
  { key: 'nightDoorMinutes', label: 'Night door exit alert after (minutes)', step: '1', min: 1 },
  { key: 'bedExitMinutes', label: 'Night bed exit alert after (minutes)', step: '1', min: 1 },
] as const

export function SettingsForm({ personId, answer, error, canEdit, onSaved }: { personId: string; answer: SettingsAnswer | undefined; error: unknown; canEdit: boolean; onSaved: () => void }) {
  const [draft, setDraft] = useState<Draft>()
  const [reason, setReason] = useState('')
  const [saveError, setSaveError] = useState<unknown>()
  const [done, setDone] = useState('')
  const [busy, setBusy] = useState(false)
  const zones = useMemo(() => (typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : []), [])

  useEffect(() => {
    if (answer) setDraft(draftOf(answer.settings))
  }, [answer])

  const save = async (event: SubmitEvent) => {
    event.preventDefault()
    if (!draft || !answer) return
    setBusy(true)
    setSaveError(undefined)
    setDone('')
    try {
      const saved = await api<SettingsAnswer>(`/api/persons/${encodeURIComponent(personId)}/settings`, { method: 'PATCH', body: { ...patchOf(draft, answer.settings), reason: reason.trim() } })
      setDone(`Saved as version ${saved.version}.`)
      setReason('')
      onSaved()
    } catch (caught) {
      setSaveError(caught)
    } finally {
      setBusy(false)
    }
  }

  const field = (key: keyof Draft, path: string = key) => {
    const problems = problemsFor(saveError, path)
    return {
      input: { id: `settings-${key}`, value: draft?.[key] ?? '', onInput: (e: Event) => draft && setDraft({ ...draft, [key]: (e.currentTarget as HTMLInputElement).value }), ...invalidProps(`settings-${key}`, problems) },
      problems: <FieldProblems id={`settings-${key}-problems`} problems={problems} />,
    }
  }
  const scale = field('news2Scale')
  const from = field('from', 'activeHours.from')
  const to = field('to', 'activeHours.to')
  const zone = field('timeZone')
  const reasonProblems = problemsFor(saveError, 'reason')

  return (
    <section class="panel" aria-labelledby="person-settings">
      <h2 id="person-settings" tabIndex={-1}>
        Settings {answer && <span class="muted">· version {answer.version}</span>}
      </h2>
      {error !== undefined && <p class="notice">Could not load the settings: {messageOf(error)}</p>}
      {draft && (
        <form class="form-grid" data-testid="settings-form" onSubmit={(e) => void save(e)}>
          <fieldset disabled={!canEdit || busy} class="plain form-grid wide">
            <legend class="visually-hidden">Care settings</legend>
            <div class="field">
              <label for="settings-news2Scale">NEWS2 SpO2 scale</label>
              <select {...scale.input}>
                <option value="1">Scale 1 (most people)</option>
                <option value="2">Scale 2 (hypercapnic respiratory failure)</option>
              </select>
              {scale.problems}
            </div>
            <div class="field">
              <label for="settings-timeZone">Time zone</label>
              <input {...zone.input} list="settings-zones" autocomplete="off" />
              <datalist id="settings-zones">
                {zones.map((z) => (
                  <option key={z} value={z} />
                ))}
              </datalist>
              {zone.problems}
            </div>
            <div class="field">
              <label for="settings-from">Active hours from</label>
              <input type="time" {...from.input} />
              {from.problems}
            </div>
            <div class="field">
              <label for="settings-to">Active hours to</label>
              <input type="time" {...to.input} />
              {to.problems}
            </div>
            {NUMBERS.map((n) => {
              const f = field(n.key)
              return (
                <div class="field" key={n.key}>
                  <label for={`settings-${n.key}`}>{n.label}</label>
                  <input type="number" step={n.step} min={n.min} {...f.input} />
                  {f.problems}
                </div>
              )
            })}
            {canEdit && (
              <div class="form-actions wide">
                <div class="field grow">
                  <label for="settings-reason">Reason for the change</label>
                  <input id="settings-reason" required maxLength={500} value={reason} onInput={(e) => setReason(e.currentTarget.value)} {...invalidProps('settings-reason', reasonProblems)} />
                  <FieldProblems id="settings-reason-problems" problems={reasonProblems} />
                </div>
                <button type="submit" class="primary" data-testid="settings-save">
                  Save settings
                </button>
              </div>
            )}
          </fieldset>
          <p class="hint wide" role="status">
            {done}
          </p>
          <p class="error wide" role="alert">
            {formErrorText(saveError, (f) => SHOWN.has(f))}
          </p>
        </form>
      )}
    </section>
  )
}
