import { useState } from 'preact/hooks'
import { ORGANISATION_KIND_LABELS, type Organisation, type Role } from '../../../../contract/circle-values.js'
import type { SessionUser } from '../access.js'
import { api, formErrorText, problemsFor } from '../api.js'
import { FieldProblems, invalidProps } from '../components/field-problems.js'
import { RolesPicker } from '../components/roles-picker.js'
import { useSubmission } from '../use-submission.js'

const SHOWN_BESIDE = ['username', 'password', 'displayName', 'email', 'roles', 'organisationId', 'personId']

/**
 * POST /api/users: a username, a password of 12 or more characters, a display name, an
 * organisation (the creator's unless chosen) and at least one role; role `person` names the person.
 * An email address is optional: where a supervisor is emailed of an alarm nobody answered in time.
 */
export function UserCreateForm({ me, organisations, onCreated }: { me: SessionUser; organisations: readonly Organisation[]; onCreated: () => void }) {
  const [username, setUsername] = useState('')
  const [password, setPassword] = useState('')
  const [displayName, setDisplayName] = useState('')
  const [email, setEmail] = useState('')
  const [organisationId, setOrganisationId] = useState(me.organisationId)
  const [roles, setRoles] = useState<Role[]>(['responder'])
  const [personId, setPersonId] = useState('')
  const [done, setDone] = useState('')
  const { busy, error, run } = useSubmission()
  const isPerson = roles.includes('person')
  // An organisation admin adds users to their own organisation only.
  const choices = organisations.length > 0 ? organisations : [{ id: me.organisationId, name: me.organisationName, kind: 'telecare' as const, createdAt: '' }]

  const submit = async (event: SubmitEvent) => {
    event.preventDefault()
    setDone('')
    await run(async () => {
      const body = {
        username: username.trim(),
        password,
        roles,
        organisationId,
        ...(displayName.trim() ? { displayName: displayName.trim() } : {}),
        ...(email.trim() ? { email: email.trim() } : {}),
        ...(isPerson ? { personId: personId.trim() } : {}),
      }
      await api('/api/users', { method: 'POST', body })
      // Each form empties its own fields after a success, as circle-add-form.tsx does.
      setDone(`User ${username.trim()} created.`)
      setUsername('')
      setPassword('')
      setDisplayName('')
      setEmail('')
      setPersonId('')
      onCreated()
    })
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
        <label for="new-user-email">Email (for escalations)</label>
        <input id="new-user-email" type="email" autocomplete="off" maxLength={254} value={email} onInput={(e) => setEmail(e.currentTarget.value)} {...invalidProps('new-user-email', problems('email'))} />
        <p class="hint">Optional. A supervisor is emailed here of an alarm nobody answered in time.</p>
        <FieldProblems id="new-user-email-problems" problems={problems('email')} />
      </div>
      <div class="field">
        <label for="new-user-organisation">Organisation</label>
        <select id="new-user-organisation" value={organisationId} onChange={(e) => setOrganisationId(e.currentTarget.value)} {...invalidProps('new-user-organisation', problems('organisationId'))}>
          {choices.map((o) => (
            <option key={o.id} value={o.id}>
              {o.name}
              {o.createdAt ? ` (${ORGANISATION_KIND_LABELS[o.kind]})` : ''}
            </option>
          ))}
        </select>
        <FieldProblems id="new-user-organisation-problems" problems={problems('organisationId')} />
      </div>
      <div class="field wide">
        <RolesPicker idPrefix="new-user-role" legend="Roles" roles={roles} onChange={setRoles} describedBy={problems('roles').length > 0 ? 'new-user-roles-problems' : 'new-user-roles-hint'} />
        <p class="hint" id="new-user-roles-hint">
          The person role is for the person themselves, or their proxy, and is held alone.
        </p>
        <FieldProblems id="new-user-roles-problems" problems={problems('roles')} />
      </div>
      {isPerson && (
        <div class="field">
          <label for="new-user-person">Person id</label>
          <input id="new-user-person" required autocomplete="off" value={personId} onInput={(e) => setPersonId(e.currentTarget.value)} {...invalidProps('new-user-person', problems('personId'))} />
          <p class="hint">The person who signs in with this account (shown on their page, like p-1a2b).</p>
          <FieldProblems id="new-user-person-problems" problems={problems('personId')} />
        </div>
      )}
      <div class="form-actions wide">
        <button type="submit" class="primary" disabled={busy || roles.length === 0}>
          Add user
        </button>
        <p class="hint" role="status">
          {done}
        </p>
        <p class="error" role="alert">
          {formErrorText(error, (f) => SHOWN_BESIDE.includes(f))}
        </p>
      </div>
    </form>
  )
}
