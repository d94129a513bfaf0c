import { useState } from 'preact/hooks'
import type { Organisation } from '../../../../contract/circle-values.js'
import type { SessionUser } from '../access.js'
import { isForbidden } from '../api.js'
import { LoadState } from '../components/load-state.js'
import { NoAccess } from '../components/no-access.js'
import type { UserView } from '../types.js'
import { useApiData } from '../use-api-data.js'
import { UserCreateForm } from './user-create-form.js'
import { UserRow } from './user-row.js'
import { useDocumentTitle } from '../document-title.js'

/** Admins (and organisation admins, for their own organisation): who may sign in, where, and with which roles. */
export function UsersPage({ user }: { user: SessionUser }) {
  useDocumentTitle('Users')
  const { data, error, reload } = useApiData<{ users: UserView[] }>('/api/users')
  const organisations = useApiData<{ organisations: Organisation[] }>('/api/organisations')
  // Said here, not in the row: a deleted user's row leaves the table.
  const [notice, setNotice] = useState('')
  if (isForbidden(error)) return <NoAccess title="Users" />
  const users = [...(data?.users ?? [])].sort((a, b) => a.username.localeCompare(b.username))
  return (
    <section data-testid="users-page" aria-labelledby="users-title">
      <div class="page-head">
        <h1 id="users-title">Users</h1>
        {data && <p class="summary">{users.length} users</p>}
      </div>
      <LoadState error={error} title="Users" hasData={data !== undefined} />
      <p class="hint" role="status" data-testid="users-notice">
        {notice}
      </p>
      {users.length > 0 && (
        <div class="table-wrap" role="region" aria-label="Table of users" tabIndex={0}>
          <table class="users">
            <thead>
              {/* Written out, as every table's header is: markup reads better than a helper here. */}
              <tr>
                <th scope="col">Username</th>
                <th scope="col">Display name</th>
                <th scope="col">Email (for escalations)</th>
                <th scope="col">Organisation</th>
                <th scope="col">Roles</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {users.map((row) => (
                <UserRow
                  key={row.id}
                  user={row}
                  isMe={row.id === user.id}
                  onSaved={reload}
                  onDeleted={(text) => {
                    setNotice(text)
                    reload()
                  }}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <UserCreateForm me={user} organisations={organisations.data?.organisations ?? []} onCreated={reload} />
    </section>
  )
}
