import { useState } from 'preact/hooks'
import type { Role } from '../../../../contract/api.js'
import { api, formErrorText, problemsFor } from '../api.js'
import { FieldProblems, invalidProps } from '../components/field-problems.js'
import { RolesPicker } from '../components/roles-picker.js'

/** POST /api/users: a username, a password of 12 or more characters, a display name and at least one role. */
export function UserCreateForm({ onCreated }: { onCreated: () => void }) {
  const [username, setUsername] = useState('')
  const [password, setPassword] = useState('')
  const [displayName, setDisplayName] = useState('')
  const [roles, setRoles] = useState<Role[]>(['responder'])
  const [error, setError] = useState<unknown>()
  const [done, setDone] = useState('')
  const [busy, setBusy] = useState(false)

  const submit = async (event: SubmitEvent) => {
    event.preventDefault()
    setBusy(true)
    setError(undefined)
    setDone('')
    try {
      const body = { username: username.trim(), password, roles, ...(displayName.trim() ? { displayName: displayName.trim() } : {}) }
      await api('/api/users', { method: 'POST', body })
      setDone(`User ${username.trim()} created.`)
      setUsername('')
      setPassword('')
      setDisplayName('')
      onCreated()
    } catch (caught) {
      setError(caught)
    } finally {
      setBusy(false)
    }
  }

  const problems = (field: string) => problemsFor(error, field)
  return (
    <form class="panel form-grid" aria-labelledby="new-user-title" onSubmit={(e) => void submit(e)}>
      <h2 id="new-user-title">Add a user</h2>
      <div class="field">
        <label for="new-user-username">Username</label>
        <input id="new-user-username" required autocomplete="off" autocapitalize="none" pattern="[a-z0-9._\-]{2,64}" value={username} onInput={(e) => setUsername(e.currentTarget.value)} {...invalidProps('new-user-username', problems('username'))} />
        <p class="hint">Lower-case letters, digits, dot, underscore or hyphen.</p>
        <FieldProblems id="new-user-username-problems" problems={problems('username')} />
      </div>
      <div class="field">
        <label for="new-user-password">Password</label>
        <input id="new-user-password" type="password" required minLength={12} autocomplete="new-password" value={password} onInput={(e) => setPassword(e.currentTarget.value)} {...invalidProps('new-user-password', problems('password'))} />
        <p class="hint">At least 12 characters.</p>
        <FieldProblems id="new-user-password-problems" problems={problems('password')} />
      </div>
      <div class="field">
        <label for="new-user-display">Display name</label>
        <input id="new-user-display" value={displayName} maxLength={128} onInput={(e) => setDisplayName(e.currentTarget.value)} {...invalidProps('new-user-display', problems('displayName'))} />
        <FieldProblems id="new-user-display-problems" problems={problems('displayName')} />
      </div>
      <div class="field">
        <RolesPicker idPrefix="new-user-role" legend="Roles" roles={roles} onChange={setRoles} describedBy={problems('roles').length > 0 ? 'new-user-roles-problems' : undefined} />
        <FieldProblems id="new-user-roles-problems" problems={problems('roles')} />
      </div>
      <div class="form-actions wide">
        <button type="submit" class="primary" disabled={busy || roles.length === 0}>
          Add user
        </button>
        <p class="hint" role="status">
          {done}
        </p>
        <p class="error" role="alert">
          {formErrorText(error, (f) => ['username', 'password', 'displayName', 'roles'].includes(f))}
        </p>
      </div>
    </form>
  )
}
