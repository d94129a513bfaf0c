import type { ComponentChildren } from 'preact'
import { formatDate } from '../format.js'
import type { PersonDetail } from '../types.js'

function age(dateOfBirth: string): number {
  const born = new Date(`${dateOfBirth}T00:00:00`)
  const now = new Date()
  const years = now.getFullYear() - born.getFullYear()
  const beforeBirthday = now.getMonth() < born.getMonth() || (now.getMonth() === born.getMonth() && now.getDate() < born.getDate())
  return beforeBirthday ? years - 1 : years
}

/** Who the person is, for every member; whom to call and their medical notes only where the caller's scopes reach. */
export function PersonDetails({ person, children }: { person: PersonDetail; children?: ComponentChildren }) {
  const contacts = person.contacts ?? []
  const scopes = person.access.scopes
  return (
    <section class="panel" aria-labelledby="person-details" data-testid="person-details">
      <h2 id="person-details" tabIndex={-1}>
        Details
      </h2>
      <dl class="facts">
        <dt>Date of birth</dt>
        <dd>{person.dateOfBirth ? `${formatDate(person.dateOfBirth)} (${age(person.dateOfBirth)})` : '—'}</dd>
        <dt>Address</dt>
        <dd class="pre">{person.address ?? '—'}</dd>
        <dt>Phone</dt>
        <dd>{person.phone ? <a href={`tel:${person.phone}`}>{person.phone}</a> : '—'}</dd>
        <dt>Time zone</dt>
        <dd>{person.timeZone}</dd>
        <dt>Hearth id</dt>
        <dd>
          <code>{person.id}</code>
        </dd>
      </dl>
      {scopes.includes('contacts') && (
        <>
          <h3>Contacts and key-holders</h3>
          {contacts.length === 0 ? (
            <p class="muted">None recorded.</p>
          ) : (
            <ul class="contacts-list">
              {contacts.map((c, i) => (
                <li key={i}>
                  <strong>{c.name}</strong>
                  {c.relationship && <>, {c.relationship}</>}
                  {c.phone && (
                    <>
                      {' '}
                      · <a href={`tel:${c.phone}`}>{c.phone}</a>
                    </>
                  )}
                  {c.keyHolder && <span class="tag">Key-holder</span>}
                </li>
              ))}
            </ul>
          )}
        </>
      )}
      {scopes.includes('medical-notes') && (
        <>
          <h3>Medical notes</h3>
          <p class="pre" data-testid="medical-notes">
            {person.medicalNotes ?? <span class="muted">None recorded.</span>}
          </p>
        </>
      )}
      {children}
    </section>
  )
}
