import { problemsFor } from '../api.js'
import { FieldProblems, invalidProps } from './field-problems.js'

export interface ContactDraft {
  name: string
  relationship: string
  phone: string
  keyHolder: boolean
}

const EMPTY_CONTACT: ContactDraft = { name: '', relationship: '', phone: '', keyHolder: false }

/** Contacts as the API takes them: blank fields left out, rows without a name dropped. */
export function contactsBody(contacts: readonly ContactDraft[]) {
  return contacts
    .filter((c) => c.name.trim() !== '')
    .map((c) => ({
      name: c.name.trim(),
      ...(c.relationship.trim() ? { relationship: c.relationship.trim() } : {}),
      ...(c.phone.trim() ? { phone: c.phone.trim() } : {}),
      ...(c.keyHolder ? { keyHolder: true } : {}),
    }))
}

interface Props {
  idPrefix: string
  contacts: ContactDraft[]
  error: unknown
  onChange: (contacts: ContactDraft[]) => void
}

/** Key-holders and other contacts: one row each, added and removed with buttons. */
export function ContactsEditor({ idPrefix, contacts, error, onChange }: Props) {
  const set = (index: number, change: Partial<ContactDraft>) => onChange(contacts.map((c, i) => (i === index ? { ...c, ...change } : c)))
  return (
    <fieldset class="contacts">
      <legend>Contacts and key-holders</legend>
      {contacts.map((contact, i) => {
        const id = `${idPrefix}-contact-${i}`
        const nameProblems = problemsFor(error, `contacts.${i}.name`)
        return (
          <div class="contact-row" key={i}>
            <div class="field">
              <label for={`${id}-name`}>Name</label>
              <input id={`${id}-name`} value={contact.name} onInput={(e) => set(i, { name: e.currentTarget.value })} {...invalidProps(`${id}-name`, nameProblems)} />
              <FieldProblems id={`${id}-name-problems`} problems={nameProblems} />
            </div>
            <div class="field">
              <label for={`${id}-relationship`}>Relationship</label>
              <input id={`${id}-relationship`} value={contact.relationship} onInput={(e) => set(i, { relationship: e.currentTarget.value })} />
            </div>
            <div class="field">
              <label for={`${id}-phone`}>Phone</label>
              <input id={`${id}-phone`} type="tel" value={contact.phone} onInput={(e) => set(i, { phone: e.currentTarget.value })} />
            </div>
            <div class="field checkbox">
              <input id={`${id}-keyholder`} type="checkbox" checked={contact.keyHolder} onChange={(e) => set(i, { keyHolder: e.currentTarget.checked })} />
              <label for={`${id}-keyholder`}>Key-holder</label>
            </div>
            <button type="button" onClick={() => onChange(contacts.filter((_, j) => j !== i))}>
              Remove<span class="visually-hidden"> contact {i + 1}</span>
            </button>
          </div>
        )
      })}
      <button type="button" onClick={() => onChange([...contacts, { ...EMPTY_CONTACT }])}>
        Add a contact
      </button>
    </fieldset>
  )
}
