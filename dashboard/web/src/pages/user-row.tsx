import { useState } from 'preact/hooks'
import type { Role } from '../../../../contract/api.js'
import { api, messageOf } from '../api.js'
import { RolesPicker } from '../components/roles-picker.js'
import type { UserView } from '../types.js'

/** PATCH /api/users/{id}: display name and roles; the username and password stay. */
export function UserRow({ user, onSaved }: { user: UserView; onSaved: () => void }) {
  const [displayName, setDisplayName] = useState(user.displayName)
  const [roles, setRoles] = useState<Role[]>(user.roles)
  const [message, setMessage] = useState({ text: '', isError: false })
  const [busy, setBusy] = useState(false)
  const changed = displayName.trim() !== user.displayName || roles.join() !== user.roles.join()
  const prefix = `user-${user.id}`

  const save = async (event: SubmitEvent) => {
    event.preventDefault()
    if (!changed) return
    setBusy(true)
    try {
      const body = {
        ...(displayName.trim() !== user.displayName ? { displayName: displayName.trim() } : {}),
        ...(roles.join() !== user.roles.join() ? { roles } : {}),
      }
      await api(`/api/users/${encodeURIComponent(user.id)}`, { method: 'PATCH', body })
      setMessage({ text: 'Saved.', isError: false })
      onSaved()
    } catch (caught) {
      setMessage({ text: messageOf(caught), isError: true })
    } finally {
      setBusy(false)
    }
  }

  return (
    <tr data-testid="user-row" data-username={user.username}>
      <th scope="row">{user.username}</th>
      <td>
        <label class="visually-hidden" for={`${prefix}-name`}>
          Display name of {user.username}
        </label>
        <input id={`${prefix}-name`} form={`${prefix}-form`} value={displayName} required maxLength={128} onInput={(e) => setDisplayName(e.currentTarget.value)} />
      </td>
      <td>
        <RolesPicker idPrefix={`${prefix}-role`} legend={`Roles of ${user.username}`} roles={roles} onChange={setRoles} />
      </td>
      <td>
        <form id={`${prefix}-form`} onSubmit={(e) => void save(e)}>
          <button type="submit" disabled={busy || !changed || roles.length === 0}>
            Save<span class="visually-hidden"> {user.username}</span>
          </button>
        </form>
        <p class={message.isError ? 'error' : 'hint'} role={message.isError ? 'alert' : 'status'}>
          {message.text}
        </p>
      </td>
    </tr>
  )
}
