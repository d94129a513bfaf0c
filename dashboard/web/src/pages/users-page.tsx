import { isForbidden } from '../api.js'
import { LoadState } from '../components/load-state.js'
import { NoAccess } from '../components/no-access.js'
import type { UserView } from '../types.js'
import { useApiData } from '../use-api-data.js'
import { UserCreateForm } from './user-create-form.js'
import { UserRow } from './user-row.js'
import { useDocumentTitle } from '../document-title.js'

/** Admins only: who may sign in, and with which roles. */
export function UsersPage() {
  useDocumentTitle('Users')
  const { data, error, reload } = useApiData<{ users: UserView[] }>('/api/users')
  if (isForbidden(error)) return <NoAccess title="Users" />
  const users = [...(data?.users ?? [])].sort((a, b) => a.username.localeCompare(b.username))
  return (
    <section data-testid="users-page" aria-labelledby="users-title">
      <div class="page-head">
        <h1 id="users-title">Users</h1>
        {data && <p class="summary">{users.length} users</p>}
      </div>
      <LoadState error={error} title="Users" hasData={data !== undefined} />
      {users.length > 0 && (
        <div class="table-wrap" role="region" aria-label="Table of users" tabIndex={0}>
          <table class="users">
            <thead>
              <tr>
                <th scope="col">Username</th>
                <th scope="col">Display name</th>
                <th scope="col">Roles</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {users.map((user) => (
                <UserRow key={user.id} user={user} onSaved={reload} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <UserCreateForm onCreated={reload} />
    </section>
  )
}
