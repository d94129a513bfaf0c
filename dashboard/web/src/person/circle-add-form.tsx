import { useState } from 'preact/hooks'
import {
  BASES,
  BASIS_LABELS,
  ORGANISATION_KIND_LABELS,
  SCOPE_LABELS,
  SCOPES,
  type Basis,
  type Organisation,
  type Scope,
} from '../../../../contract/circle-values.js'
import { api, formErrorText, problemsFor } from '../api.js'
import { FieldProblems, invalidProps } from '../components/field-problems.js'
import { useApiData } from '../use-api-data.js'
import { useSubmission } from '../use-submission.js'

const AUTHORITIES = { 'lasting-power-of-attorney': 'Lasting power of attorney', deputy: 'Deputy', guardian: 'Guardian', other: 'Other' } as const
type Authority = keyof typeof AUTHORITIES

const SHOWN_BESIDE = ['organisationId', 'userId', 'relationship', 'scopes', 'basis', 'to', 'proxy.name']

/** An end date means the end of that day, in this browser's time. */
const endOfDay = (date: string) => new Date(`${date}T23:59:59`).toISOString()

/** POST /api/persons/{id}/circle, for circle admins: an organisation or an individual, what they may see, and why. */
export function CircleAddForm({ personId, onAdded }: { personId: string; onAdded: () => void }) {
  const organisations = useApiData<{ organisations: Organisation[] }>('/api/organisations')
  const [who, setWho] = useState<'organisation' | 'individual'>('organisation')
  const [organisationId, setOrganisationId] = useState('')
  const [userId, setUserId] = useState('')
  const [relationship, setRelationship] = useState('')
  const [scopes, setScopes] = useState<Scope[]>(['alerts', 'timeline'])
  const [basis, setBasis] = useState<Basis>('consent')
  const [proxyName, setProxyName] = useState('')
  const [authority, setAuthority] = useState<Authority>('lasting-power-of-attorney')
  const [to, setTo] = useState('')
  const [done, setDone] = useState('')
  const { busy, error, run } = useSubmission()
  const orgs = [...(organisations.data?.organisations ?? [])].sort((a, b) => a.name.localeCompare(b.name))
  const chosenOrg = organisationId || orgs[0]?.id || ''

  const submit = async (event: SubmitEvent) => {
    event.preventDefault()
    setDone('')
    const body = {
      ...(who === 'organisation' ? { organisationId: chosenOrg } : { userId: userId.trim() }),
      relationship: relationship.trim(),
      scopes,
      basis,
      ...(basis === 'proxy-consent' && proxyName.trim() ? { proxy: { name: proxyName.trim(), authority } } : {}),
      ...(to ? { to: endOfDay(to) } : {}),
    }
    await run(async () => {
      await api(`/api/persons/${encodeURIComponent(personId)}/circle`, { method: 'POST', body })
      setDone(`Added: ${relationship.trim()}.`)
      setRelationship('')
      setUserId('')
      setTo('')
      onAdded()
    })
  }
  const problems = (field: string) => problemsFor(error, field)

  return (
    <form class="form-grid circle-add" data-testid="circle-add-form" aria-labelledby="circle-add-title" onSubmit={(e) => void submit(e)}>
      <h3 id="circle-add-title" class="wide">
        Add to the circle
      </h3>
      <fieldset class="wide">
        <legend>Who</legend>
        <span class="checkbox">
          <input type="radio" id="circle-who-org" name="circle-who" checked={who === 'organisation'} onChange={() => setWho('organisation')} />
          <label for="circle-who-org">An organisation</label>
        </span>
        <span class="checkbox">
          <input type="radio" id="circle-who-user" name="circle-who" checked={who === 'individual'} onChange={() => setWho('individual')} />
          <label for="circle-who-user">An individual (family or friend)</label>
        </span>
      </fieldset>
      {who === 'organisation' ? (
        <div class="field">
          <label for="circle-organisation">Organisation</label>
          <select id="circle-organisation" value={chosenOrg} required onChange={(e) => setOrganisationId(e.currentTarget.value)} {...invalidProps('circle-organisation', problems('organisationId'))}>
            {orgs.map((o) => (
              <option key={o.id} value={o.id}>
                {o.name} ({ORGANISATION_KIND_LABELS[o.kind]})
              </option>
            ))}
          </select>
          <FieldProblems id="circle-organisation-problems" problems={problems('organisationId')} />
        </div>
      ) : (
        <div class="field">
          <label for="circle-user">User id</label>
          <input id="circle-user" required autocomplete="off" value={userId} onInput={(e) => setUserId(e.currentTarget.value)} {...invalidProps('circle-user', problems('userId'))} />
          <FieldProblems id="circle-user-problems" problems={problems('userId')} />
        </div>
      )}
      <div class="field">
        <label for="circle-relationship">Relationship</label>
        <input id="circle-relationship" required maxLength={128} placeholder="daughter, district nursing team…" value={relationship} onInput={(e) => setRelationship(e.currentTarget.value)} {...invalidProps('circle-relationship', problems('relationship'))} />
        <FieldProblems id="circle-relationship-problems" problems={problems('relationship')} />
      </div>
      <div class="field">
        <label for="circle-basis">Basis</label>
        <select id="circle-basis" value={basis} onChange={(e) => setBasis(e.currentTarget.value as Basis)}>
          {BASES.map((b) => (
            <option key={b} value={b}>
              {BASIS_LABELS[b]}
            </option>
          ))}
        </select>
      </div>
      {basis === 'proxy-consent' && (
        <>
          <div class="field">
            <label for="circle-proxy-name">Proxy's name</label>
            <input id="circle-proxy-name" maxLength={128} value={proxyName} onInput={(e) => setProxyName(e.currentTarget.value)} {...invalidProps('circle-proxy-name', problems('proxy.name'))} />
            <FieldProblems id="circle-proxy-name-problems" problems={problems('proxy.name')} />
          </div>
          <div class="field">
            <label for="circle-proxy-authority">Proxy's authority</label>
            <select id="circle-proxy-authority" value={authority} onChange={(e) => setAuthority(e.currentTarget.value as Authority)}>
              {(Object.keys(AUTHORITIES) as Authority[]).map((a) => (
                <option key={a} value={a}>
                  {AUTHORITIES[a]}
                </option>
              ))}
            </select>
          </div>
        </>
      )}
      <div class="field">
        <label for="circle-to">End date (optional)</label>
        <input id="circle-to" type="date" value={to} onInput={(e) => setTo(e.currentTarget.value)} {...invalidProps('circle-to', problems('to'))} />
        <FieldProblems id="circle-to-problems" problems={problems('to')} />
      </div>
      <fieldset class="wide scopes-picker" aria-describedby={problems('scopes').length > 0 ? 'circle-scopes-problems' : undefined}>
        <legend>What they may see and do</legend>
        {SCOPES.map((scope) => (
          <span class="checkbox" key={scope}>
            <input
              id={`circle-scope-${scope}`}
              type="checkbox"
              checked={scopes.includes(scope)}
              onChange={(e) => setScopes(e.currentTarget.checked ? SCOPES.filter((s) => s === scope || scopes.includes(s)) : scopes.filter((s) => s !== scope))}
            />
            <label for={`circle-scope-${scope}`}>{SCOPE_LABELS[scope]}</label>
          </span>
        ))}
        <p class="hint">Each member's roles narrow this further: a volunteer never reads medical notes, whatever is ticked.</p>
        <FieldProblems id="circle-scopes-problems" problems={problems('scopes')} />
      </fieldset>
      <div class="form-actions wide">
        <button type="submit" class="primary" disabled={busy || scopes.length === 0 || (who === 'organisation' && chosenOrg === '')}>
          Add to the circle
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
