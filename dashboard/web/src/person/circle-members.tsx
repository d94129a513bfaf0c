import { useState } from 'preact/hooks'
import type { CircleMembership } from '../../../../contract/circle-values.js'
import { api, messageOf } from '../api.js'
import { basisText, memberKind, memberName, membershipPeriodText, membershipState, membershipStateText, scopesText } from '../circle-text.js'

/** Ending a membership takes the member's sight of the record away at once: asked twice. */
function EndMembership({ personId, member, onEnded }: { personId: string; member: CircleMembership; onEnded: () => void }) {
  const [confirming, setConfirming] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState('')
  const name = memberName(member)
  const end = async () => {
    setBusy(true)
    setError('')
    try {
      await api(`/api/persons/${encodeURIComponent(personId)}/circle/${encodeURIComponent(member.id)}`, { method: 'DELETE' })
      setConfirming(false)
      onEnded()
    } catch (caught) {
      setError(`Could not end it: ${messageOf(caught)}`)
    } finally {
      setBusy(false)
    }
  }
  return (
    <div class="member-actions">
      {confirming ? (
        <div class="confirm" role="group" aria-label={`End the membership of ${name}?`}>
          <p>End the membership of {name}? They will no longer see anything about this person.</p>
          <button type="button" class="danger" data-testid="end-membership-confirm" disabled={busy} onClick={() => void end()}>
            Yes, end it<span class="visually-hidden"> for {name}</span>
          </button>
          <button type="button" disabled={busy} onClick={() => setConfirming(false)}>
            Keep {name}
          </button>
        </div>
      ) : (
        <button type="button" data-testid="end-membership" onClick={() => setConfirming(true)}>
          End membership<span class="visually-hidden"> of {name}</span>
        </button>
      )}
      <p class="error" role="alert">
        {error}
      </p>
    </div>
  )
}

/** Each member of the circle: who, why, what they may see, since and until when; ended ones stay listed. */
export function CircleMembers({ personId, members, nowMs, circleAdmin, onChanged }: { personId: string; members: readonly CircleMembership[]; nowMs: number; circleAdmin: boolean; onChanged: () => void }) {
  const sorted = [...members].sort((a, b) => Number(b.active) - Number(a.active) || a.from.localeCompare(b.from))
  return (
    <ul class="circle-members">
      {sorted.map((m) => {
        const state = membershipState(m, nowMs)
        return (
          <li key={m.id} class="member" data-testid="circle-member" data-member-id={m.id} data-state={state} data-basis={m.basis}>
            <h3 class="member-name">
              {memberName(m)} <span class="member-kind">({memberKind(m)})</span>
            </h3>
            <dl class="facts">
              <dt>Relationship</dt>
              <dd>{m.relationship}</dd>
              <dt>May see</dt>
              <dd>
                <ul class="scope-list">
                  {scopesText(m.scopes).map((s) => (
                    <li key={s}>{s}</li>
                  ))}
                </ul>
              </dd>
              <dt>Basis</dt>
              <dd>{basisText(m)}</dd>
              <dt>When</dt>
              <dd>{membershipPeriodText(m)}</dd>
              <dt>Status</dt>
              <dd>
                <span class="member-state" data-state={state}>
                  {membershipStateText(m, nowMs)}
                </span>
              </dd>
            </dl>
            {circleAdmin && m.active && <EndMembership personId={personId} member={m} onEnded={onChanged} />}
          </li>
        )
      })}
    </ul>
  )
}
