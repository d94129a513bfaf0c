import { useState } from 'preact/hooks'
import { ORGANISATION_KIND_LABELS, ORGANISATION_KINDS, type Organisation, type OrganisationKind } from '../../../../contract/circle-values.js'
import { api, formErrorText, isForbidden, problemsFor } from '../api.js'
import { FieldProblems, invalidProps } from '../components/field-problems.js'
import { LoadState } from '../components/load-state.js'
import { NoAccess } from '../components/no-access.js'
import { useDocumentTitle } from '../document-title.js'
import { formatDateTime } from '../format.js'
import { useApiData } from '../use-api-data.js'
import { useSubmission } from '../use-submission.js'

/** POST /api/organisations (platform admin): a name and a kind. */
function OrganisationCreateForm({ onCreated }: { onCreated: () => void }) {
  const [name, setName] = useState('')
  const [kind, setKind] = useState<OrganisationKind>('nhs-health')
  const [done, setDone] = useState('')
  const { busy, error, run } = useSubmission()

  const submit = async (event: SubmitEvent) => {
    event.preventDefault()
    setDone('')
    await run(async () => {
      const created = await api<Organisation>('/api/organisations', { method: 'POST', body: { name: name.trim(), kind } })
      setDone(`${created.name} added, with the id ${created.id}.`)
      setName('')
      onCreated()
    })
  }

  const problems = (field: string) => problemsFor(error, field)
  return (
    <form class="panel form-grid" aria-labelledby="new-org-title" onSubmit={(e) => void submit(e)}>
      <h2 id="new-org-title">Add an organisation</h2>
      <div class="field">
        <label for="new-org-name">Name</label>
        <input id="new-org-name" required maxLength={128} autocomplete="off" value={name} onInput={(e) => setName(e.currentTarget.value)} {...invalidProps('new-org-name', problems('name'))} />
        <FieldProblems id="new-org-name-problems" problems={problems('name')} />
      </div>
      <div class="field">
        <label for="new-org-kind">Kind</label>
        <select id="new-org-kind" value={kind} onChange={(e) => setKind(e.currentTarget.value as OrganisationKind)} {...invalidProps('new-org-kind', problems('kind'))}>
          {ORGANISATION_KINDS.map((k) => (
            <option key={k} value={k}>
              {ORGANISATION_KIND_LABELS[k]}
            </option>
          ))}
        </select>
        <FieldProblems id="new-org-kind-problems" problems={problems('kind')} />
      </div>
      <div class="form-actions wide">
        <button type="submit" class="primary" disabled={busy}>
          Add organisation
        </button>
        <p class="hint" role="status">
          {done}
        </p>
        <p class="error" role="alert">
          {formErrorText(error, (f) => f === 'name' || f === 'kind')}
        </p>
      </div>
    </form>
  )
}

/** The platform admin's list of organisations: telecare services, NHS teams, councils, housing, charities, families. */
export function OrganisationsPage() {
  useDocumentTitle('Organisations')
  const { data, error, reload } = useApiData<{ organisations: Organisation[] }>('/api/organisations')
  if (isForbidden(error)) return <NoAccess title="Organisations" />
  const organisations = [...(data?.organisations ?? [])].sort((a, b) => a.name.localeCompare(b.name))
  return (
    <section data-testid="organisations-page" aria-labelledby="organisations-title">
      <div class="page-head">
        <h1 id="organisations-title">Organisations</h1>
        {data && <p class="summary">{organisations.length} organisations</p>}
      </div>
      <LoadState error={error} title="Organisations" hasData={data !== undefined} />
      {organisations.length > 0 && (
        <div class="table-wrap" role="region" aria-label="Table of organisations" tabIndex={0}>
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Kind</th>
                <th scope="col">Id</th>
                <th scope="col">Added</th>
              </tr>
            </thead>
            <tbody>
              {organisations.map((o) => (
                <tr key={o.id} data-testid="organisation-row" data-organisation-id={o.id}>
                  <th scope="row">{o.name}</th>
                  <td>{ORGANISATION_KIND_LABELS[o.kind]}</td>
                  <td>
                    <code>{o.id}</code>
                  </td>
                  <td>{formatDateTime(o.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <OrganisationCreateForm onCreated={reload} />
    </section>
  )
}
