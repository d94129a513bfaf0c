import { useState } from 'preact/hooks'
import { ORGANISATION_KIND_LABELS, type Organisation } from '../../../../contract/circle-values.js'
import { can, type SessionUser } from '../access.js'
import { api, formErrorText, problemsFor } from '../api.js'
import { ContactsEditor, contactsBody, type ContactDraft } from '../components/contacts-editor.js'
import { FieldProblems, invalidProps } from '../components/field-problems.js'
import { navigate } from '../router.js'
import type { PersonView } from '../types.js'
import { useApiData } from '../use-api-data.js'
import { useSubmission } from '../use-submission.js'

const FIELDS = [
  { key: 'name', label: 'Name', type: 'text', required: true, autocomplete: 'off' },
  { key: 'dateOfBirth', label: 'Date of birth', type: 'date', required: false, autocomplete: 'off' },
  { key: 'phone', label: 'Phone', type: 'tel', required: false, autocomplete: 'off' },
  { key: 'timeZone', label: 'Time zone (IANA)', type: 'text', required: true, autocomplete: 'off' },
] as const

type Key = (typeof FIELDS)[number]['key'] | 'address' | 'medicalNotes' | 'accessDetails'

/**
 * POST /api/persons (admins, supervisors): then straight to the new person's view. The creator's
 * organisation monitors them (direct care) unless the platform admin names another.
 */
export function PersonCreateForm({ user }: { user: SessionUser }) {
  const [values, setValues] = useState<Record<Key, string>>({ name: '', dateOfBirth: '', phone: '', timeZone: 'Europe/London', address: '', medicalNotes: '', accessDetails: '' })
  const choosesMonitor = can(user, 'organisations:manage')
  const organisations = useApiData<{ organisations: Organisation[] }>(choosesMonitor ? '/api/organisations' : null)
  const [monitoredBy, setMonitoredBy] = useState(user.organisationId)
  const [contacts, setContacts] = useState<ContactDraft[]>([])
  const { busy, error, run } = useSubmission()

  const submit = async (event: SubmitEvent) => {
    event.preventDefault()
    const body: Record<string, unknown> = { name: values.name.trim(), timeZone: values.timeZone.trim() }
    for (const key of ['dateOfBirth', 'phone', 'address', 'medicalNotes', 'accessDetails'] as const) if (values[key].trim()) body[key] = values[key].trim()
    if (choosesMonitor) body.monitoredBy = monitoredBy
    const list = contactsBody(contacts)
    if (list.length > 0) body.contacts = list
    await run(async () => {
      const person = await api<PersonView>('/api/persons', { method: 'POST', body })
      navigate({ page: 'person', personId: person.id })
    }, { keepBusy: true })
  }

  const input = (key: Key) => ({
    id: `new-person-${key}`,
    value: values[key],
    onInput: (e: Event) => setValues({ ...values, [key]: (e.currentTarget as HTMLInputElement).value }),
    ...invalidProps(`new-person-${key}`, problemsFor(error, key)),
  })

  return (
    <form class="panel form-grid" aria-labelledby="new-person-title" onSubmit={(e) => void submit(e)}>
      <h2 id="new-person-title">Add a person</h2>
      {FIELDS.map((f) => (
        <div class="field" key={f.key}>
          <label for={`new-person-${f.key}`}>{f.label}</label>
          <input type={f.type} required={f.required} autocomplete={f.autocomplete} {...input(f.key)} />
          <FieldProblems id={`new-person-${f.key}-problems`} problems={problemsFor(error, f.key)} />
        </div>
      ))}
      <div class="field wide">
        <label for="new-person-address">Address</label>
        <textarea rows={2} {...input('address')} />
        <FieldProblems id="new-person-address-problems" problems={problemsFor(error, 'address')} />
      </div>
      <div class="field wide">
        <label for="new-person-medicalNotes">Medical notes</label>
        <textarea rows={3} {...input('medicalNotes')} />
        <FieldProblems id="new-person-medicalNotes-problems" problems={problemsFor(error, 'medicalNotes')} />
      </div>
      <div class="field wide">
        <label for="new-person-accessDetails">Access details (key-safe code, how to get in)</label>
        <textarea rows={2} aria-describedby="new-person-accessDetails-hint" {...input('accessDetails')} />
        <p class="hint" id="new-person-accessDetails-hint">
          Shown only on request to members allowed to see them, and every look is recorded.
        </p>
        <FieldProblems id="new-person-accessDetails-problems" problems={problemsFor(error, 'accessDetails')} />
      </div>
      {choosesMonitor && (
        <div class="field">
          <label for="new-person-monitoredBy">Monitored by</label>
          <select id="new-person-monitoredBy" value={monitoredBy} onChange={(e) => setMonitoredBy(e.currentTarget.value)} {...invalidProps('new-person-monitoredBy', problemsFor(error, 'monitoredBy'))}>
            {(organisations.data?.organisations ?? [{ id: user.organisationId, name: user.organisationName, kind: 'telecare' as const, createdAt: '' }]).map((o) => (
              <option key={o.id} value={o.id}>
                {o.name}
                {o.createdAt ? ` (${ORGANISATION_KIND_LABELS[o.kind]})` : ''}
              </option>
            ))}
          </select>
          <FieldProblems id="new-person-monitoredBy-problems" problems={problemsFor(error, 'monitoredBy')} />
        </div>
      )}
      <div class="wide">
        <ContactsEditor idPrefix="new-person" contacts={contacts} error={error} onChange={setContacts} />
      </div>
      <div class="form-actions wide">
        <button type="submit" class="primary" disabled={busy}>
          Add person
        </button>
        <p class="error" role="alert">
          {formErrorText(error, (f) => /^(name|dateOfBirth|phone|timeZone|address|medicalNotes|accessDetails|monitoredBy|contacts\.\d+\.name)$/.test(f))}
        </p>
      </div>
    </form>
  )
}
