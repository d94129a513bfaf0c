import { useState } from 'preact/hooks'
import type { Role } from '../../../../contract/circle-values.js'
import { api, formErrorText, messageOf, problemsFor } from '../api.js'
import { FieldProblems, invalidProps } from '../components/field-problems.js'
import { RolesPicker } from '../components/roles-picker.js'
import type { UserView } from '../types.js'
import { useSubmission } from '../use-submission.js'
import { PasswordResetControl } from './password-reset-control.js'
import { UserDeleteControl } from './user-delete-control.js'
import { TwoFactorResetControl } from './two-factor-reset-control.js'

/** The fields of a row that show the API's problems beside them; the rest are spelled out under the row's actions. */
const SHOWN_BESIDE = ['displayName', 'email']

interface Message {
  text: string
  isError: boolean
}

/** Disabling ends the user's sessions, tokens and live connections at once: asked twice. */
function DisableControl({ user, isMe, onDone }: { user: UserView; isMe: boolean; onDone: (message: Message) => void }) {
  const [confirming, setConfirming] = useState(false)
  const [busy, setBusy] = useState(false)
  const verb = user.disabled ? 'Enable' : 'Disable'
  const change = async () => {
    setBusy(true)
    try {
      await api(`/api/users/${encodeURIComponent(user.id)}`, { method: 'PATCH', body: { disabled: !user.disabled } })
      onDone({ text: user.disabled ? `${user.username} can sign in again.` : `${user.username} is disabled and signed out everywhere.`, isError: false })
      setConfirming(false)
    } catch (caught) {
      onDone({ text: messageOf(caught), isError: true })
    } finally {
      setBusy(false)
    }
  }
  if (isMe) return null
  if (!confirming) {
    return (
      <button type="button" data-testid="user-disable" onClick={() => setConfirming(true)}>
        {verb}
        <span class="visually-hidden"> {user.username}</span>
      </button>
    )
  }
  return (
    <div class="confirm" role="group" aria-label={`${verb} ${user.username}?`}>
      <p>{user.disabled ? `Let ${user.username} sign in again?` : `Disable ${user.username}? Their sessions, tokens and live screens end at once.`}</p>
      <button type="button" class={user.disabled ? 'primary' : 'danger'} data-testid="user-disable-confirm" disabled={busy} onClick={() => void change()}>
        Yes, {verb.toLowerCase()}
        <span class="visually-hidden"> {user.username}</span>
      </button>
      <button type="button" disabled={busy} onClick={() => setConfirming(false)}>
        Cancel
      </button>
    </div>
  )
}

/**
 * PATCH /api/users/{id}: display name, email (emptied, it is removed), roles, and disabled; a
 * password reset and deleting beside them; the username and organisation stay. `onDeleted`: the row goes, so the page says it.
 */
export function UserRow({ user, isMe, onSaved, onDeleted }: { user: UserView; isMe: boolean; onSaved: () => void; onDeleted: (text: string) => void }) {
  const [displayName, setDisplayName] = useState(user.displayName)
  const [email, setEmail] = useState(user.email ?? '')
  const [roles, setRoles] = useState<Role[]>(user.roles)
  const [message, setMessage] = useState<Message>({ text: '', isError: false })
  const { busy, error, run } = useSubmission()
  const emailChanged = email.trim() !== (user.email ?? '')
  const changed = displayName.trim() !== user.displayName || emailChanged || roles.join() !== user.roles.join()
  const prefix = `user-${user.id}`
  const problems = (field: string) => problemsFor(error, field)

  const save = async (event: SubmitEvent) => {
    event.preventDefault()
    if (!changed) return
    setMessage({ text: '', isError: false })
    await run(async () => {
      const body = {
        ...(displayName.trim() !== user.displayName ? { displayName: displayName.trim() } : {}),
        ...(emailChanged ? { email: email.trim() || null } : {}),
        ...(roles.join() !== user.roles.join() ? { roles } : {}),
      }
      await api(`/api/users/${encodeURIComponent(user.id)}`, { method: 'PATCH', body })
      setMessage({ text: 'Saved.', isError: false })
      onSaved()
    })
  }

  return (
    <tr data-testid="user-row" data-username={user.username} data-disabled={String(user.disabled)}>
      <th scope="row">
        {user.username}
        {user.disabled && <span class="tag tag-off">Disabled</span>}
        {user.mustChangePassword && <span class="tag">New password due</span>}
        {user.twoFactorEnabled && <span class="tag">Two-factor on</span>}
        {user.personId && <span class="muted block sub">Person {user.personId}</span>}
      </th>
      <td>
        <label class="visually-hidden" for={`${prefix}-name`}>
          Display name of {user.username}
        </label>
        <input id={`${prefix}-name`} form={`${prefix}-form`} value={displayName} required maxLength={128} onInput={(e) => setDisplayName(e.currentTarget.value)} {...invalidProps(`${prefix}-name`, problems('displayName'))} />
        <FieldProblems id={`${prefix}-name-problems`} problems={problems('displayName')} />
      </td>
      <td>
        <label class="visually-hidden" for={`${prefix}-email`}>
          Email of {user.username}
        </label>
        <input id={`${prefix}-email`} form={`${prefix}-form`} type="email" autocomplete="off" maxLength={254} placeholder="No email" value={email} onInput={(e) => setEmail(e.currentTarget.value)} {...invalidProps(`${prefix}-email`, problems('email'))} />
        <FieldProblems id={`${prefix}-email-problems`} problems={problems('email')} />
      </td>
      <td>{user.organisationName}</td>
      <td>
        <RolesPicker idPrefix={`${prefix}-role`} legend={`Roles of ${user.username}`} roles={roles} onChange={setRoles} />
      </td>
      <td>
        <div class="row-actions">
          <form id={`${prefix}-form`} onSubmit={(e) => void save(e)}>
            <button type="submit" disabled={busy || !changed || roles.length === 0}>
              Save<span class="visually-hidden"> {user.username}</span>
            </button>
          </form>
          {!isMe && (
            <PasswordResetControl
              user={user}
              onDone={(m) => {
                setMessage(m)
                if (!m.isError) onSaved()
              }}
            />
          )}
          {!isMe && (
            <TwoFactorResetControl
              user={user}
              onDone={(m) => {
                setMessage(m)
                if (!m.isError) onSaved()
              }}
            />
          )}
          {/* Ending an account for a while or for good: side by side. */}
          <div class="account-actions">
            <DisableControl
              user={user}
              isMe={isMe}
              onDone={(m) => {
                setMessage(m)
                if (!m.isError) onSaved()
              }}
            />
            {!isMe && <UserDeleteControl user={user} onDone={(m) => (m.isError ? setMessage(m) : onDeleted(m.text))} />}
          </div>
          <p class={message.isError ? 'error' : 'hint'} role={message.isError ? 'alert' : 'status'}>
            {message.text}
          </p>
          <p class="error" role="alert">
            {formErrorText(error, (f) => SHOWN_BESIDE.includes(f))}
          </p>
        </div>
      </td>
    </tr>
  )
}
