import { useState } from 'preact/hooks'
import type { CircleMembership } from '../../../../contract/circle-values.js'
import { api, messageOf } from '../api.js'
import { memberKind, memberName, membershipStateText, MY_BASIS_TEXT, scopesText } from '../circle-text.js'
import { formatDate } from '../format.js'
import { useApiData } from '../use-api-data.js'

const dateOf = (iso: string) => formatDate(iso.slice(0, 10))

/** Consent given can be taken back: asked twice, with an optional reason. */
function WithdrawConsent({ personId, member, onWithdrawn }: { personId: string; member: CircleMembership; onWithdrawn: () => void }) {
  const [confirming, setConfirming] = useState(false)
  const [reason, setReason] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState('')
  const name = memberName(member)
  const reasonId = `withdraw-reason-${member.id}`
  const withdraw = async () => {
    setBusy(true)
    setError('')
    try {
      await api(`/api/persons/${encodeURIComponent(personId)}/circle/${encodeURIComponent(member.id)}/withdraw-consent`, {
        method: 'POST',
        body: reason.trim() ? { reason: reason.trim() } : {},
      })
      onWithdrawn()
    } catch (caught) {
      setError(`Could not withdraw consent: ${messageOf(caught)}`)
      setBusy(false)
    }
  }
  if (!confirming) {
    return (
      <button type="button" class="big-button" data-testid="withdraw-consent" onClick={() => setConfirming(true)}>
        Withdraw consent<span class="visually-hidden"> from {name}</span>
      </button>
    )
  }
  return (
    <div class="confirm" role="group" aria-labelledby={`${reasonId}-question`}>
      <p id={`${reasonId}-question`}>
        <strong>Withdraw consent from {name}?</strong> They will no longer see anything about you. You can ask for them to be added again later.
      </p>
      <label for={reasonId}>Why (optional)</label>
      <input id={reasonId} maxLength={512} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
      <div class="form-actions">
        <button type="button" class="danger big-button" data-testid="withdraw-consent-confirm" disabled={busy} onClick={() => void withdraw()}>
          Yes, withdraw consent
        </button>
        <button type="button" class="big-button" disabled={busy} onClick={() => setConfirming(false)}>
          No, keep {name}
        </button>
      </div>
      <p class="error" role="alert">
        {error}
      </p>
    </div>
  )
}

function Member({ personId, member, onChanged }: { personId: string; member: CircleMembership; onChanged: () => void }) {
  return (
    <li class="my-member" data-testid="my-circle-member" data-member-id={member.id} data-basis={member.basis}>
      <h3>
        {memberName(member)}
        {member.organisationKind && <span class="member-kind"> ({memberKind(member)})</span>}
      </h3>
      <p>
        <strong>Relationship:</strong> {member.relationship}
      </p>
      <p>
        <strong>What they can see:</strong>
      </p>
      <ul class="scope-list">
        {scopesText(member.scopes).map((s) => (
          <li key={s}>{s}</li>
        ))}
      </ul>
      <p>
        <strong>Why:</strong> {MY_BASIS_TEXT[member.basis]}
        {member.proxy && ` (${member.proxy.name})`}
      </p>
      <p class="muted">
        Since {dateOf(member.from)}
        {member.to && `, until ${dateOf(member.to)}`}
      </p>
      {member.basis !== 'direct-care' && <WithdrawConsent personId={personId} member={member} onWithdrawn={onChanged} />}
    </li>
  )
}

/** Who is in my circle: each member, what they can see and why; consent can be withdrawn, direct care cannot. */
export function MyCircle({ personId }: { personId: string }) {
  const { data, error, fetchedAt, reload } = useApiData<{ members: CircleMembership[] }>(`/api/persons/${encodeURIComponent(personId)}/circle`)
  const members = data?.members ?? []
  const active = members.filter((m) => m.active)
  const ended = members.filter((m) => !m.active)
  return (
    <section class="panel" aria-labelledby="my-circle-title" data-testid="my-circle">
      <h2 id="my-circle-title">Who is in my circle</h2>
      {error !== undefined && <p class="notice">Could not load your circle: {messageOf(error)}</p>}
      {data && active.length === 0 && <p>Nobody can see your record at the moment.</p>}
      <ul class="my-members">
        {active.map((m) => (
          <Member key={m.id} personId={personId} member={m} onChanged={reload} />
        ))}
      </ul>
      {ended.length > 0 && (
        <details class="ended-members" data-testid="my-ended-members">
          <summary>No longer in my circle ({ended.length})</summary>
          <ul>
            {ended.map((m) => (
              <li key={m.id}>
                <strong>{memberName(m)}</strong> ({m.relationship}): {membershipStateText(m, fetchedAt ?? Date.now())}
              </li>
            ))}
          </ul>
        </details>
      )}
    </section>
  )
}
