import { useState } from 'preact/hooks'
import { can, type SessionUser } from '../access.js'
import { isForbidden } from '../api.js'
import { LoadState } from '../components/load-state.js'
import { NoAccess } from '../components/no-access.js'
import { formatDate, formatDateTime } from '../format.js'
import { personHref } from '../router.js'
import type { PersonView } from '../types.js'
import { useApiData } from '../use-api-data.js'
import { PersonCreateForm } from './person-create-form.js'
import { useDocumentTitle } from '../document-title.js'

/**
 * Everyone followed by Hearth, each linking to their person view; admins and supervisors add
 * people here. Archived people only on request, marked as such.
 */
export function PeoplePage({ user }: { user: SessionUser }) {
  useDocumentTitle('People')
  const [showArchived, setShowArchived] = useState(false)
  const { data, error } = useApiData<{ persons: PersonView[] }>(showArchived ? '/api/persons?include=archived' : '/api/persons', 60_000)
  if (isForbidden(error)) return <NoAccess title="People" />
  const persons = [...(data?.persons ?? [])].sort((a, b) => a.name.localeCompare(b.name))
  return (
    <section data-testid="people-page" aria-labelledby="people-title">
      <div class="page-head">
        <h1 id="people-title">People</h1>
        {data && <p class="summary">{persons.length} people</p>}
      </div>
      <p class="checkbox">
        <input id="people-show-archived" type="checkbox" data-testid="people-show-archived" checked={showArchived} onChange={(e) => setShowArchived(e.currentTarget.checked)} />
        <label for="people-show-archived">Show archived people</label>
      </p>
      <LoadState error={error} title="People" hasData={data !== undefined} />
      {data && persons.length === 0 && <p class="empty">Nobody yet.</p>}
      {persons.length > 0 && (
        <div class="table-wrap" role="region" aria-label="Table of people" tabIndex={0}>
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Date of birth</th>
                <th scope="col">Address</th>
                <th scope="col">Phone</th>
              </tr>
            </thead>
            <tbody>
              {persons.map((person) => (
                <tr key={person.id} data-archived={String(person.archivedAt !== null)}>
                  <th scope="row">
                    <a href={personHref(person.id)}>{person.name}</a>
                    {person.archivedAt !== null && (
                      <span class="tag" title={person.archiveReason ?? undefined}>
                        Archived {formatDateTime(person.archivedAt)}
                      </span>
                    )}
                  </th>
                  <td>{person.dateOfBirth ? formatDate(person.dateOfBirth) : '—'}</td>
                  <td>{person.address ?? '—'}</td>
                  <td>{person.phone ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {can(user, 'persons:write') && <PersonCreateForm user={user} />}
    </section>
  )
}
