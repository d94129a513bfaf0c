import { useState } from 'preact/hooks'
import type { ResponsePlanVersion, ResponseStep } from '../../../../contract/response-plan-values.js'
import { messageOf } from '../api.js'
import { useApiData } from '../use-api-data.js'
import { VersionFooter } from './version-footer.js'
import { alertKindsText, availabilityText } from './plan-text.js'
import { ResponsePlanForm } from './response-plan-form.js'

/** GET /api/persons/{id}/response-plan: the steps in order, each saying whether it is family, and whether the caller may change them. */
export interface ResponsePlanAnswer extends ResponsePlanVersion {
  steps: Array<ResponseStep & { family: boolean }>
  canEdit: boolean
}

/** The response plan: whom to call, in order, when an alert is raised. */
export function ResponsePlanPanel({ personId }: { personId: string }) {
  const { data, error, reload } = useApiData<ResponsePlanAnswer>(`/api/persons/${encodeURIComponent(personId)}/response-plan`)
  const [editing, setEditing] = useState(false)
  const [done, setDone] = useState('')
  return (
    <section class="panel" aria-labelledby="person-response-plan" data-testid="response-plan">
      <h2 id="person-response-plan" tabIndex={-1}>
        Response plan {data && data.version > 0 && <span class="muted">· version {data.version}</span>}
      </h2>
      {error !== undefined && <p class="notice">Could not load the response plan: {messageOf(error)}</p>}
      {data && !editing && (
        <>
          {data.steps.length === 0 ? (
            <p class="muted">No one to call yet.</p>
          ) : (
            <ol class="plan-steps">
              {data.steps.map((step, i) => (
                <li key={i} data-testid="plan-step">
                  <strong>{step.name}</strong>, {step.relationship} · <a href={`tel:${step.phone}`}>{step.phone}</a>
                  {step.email && (
                    <>
                      {' '}
                      · <a href={`mailto:${step.email}`}>{step.email}</a>
                    </>
                  )}
                  {step.family && <span class="tag">Family</span>}
                  <br />
                  <span class="muted">
                    {availabilityText(step.availability)} · {alertKindsText(step.alertKinds)}
                  </span>
                </li>
              ))}
            </ol>
          )}
          <VersionFooter changed={data} done={done} canEdit={data.canEdit} editTestId="plan-edit" editLabel="Edit the plan" onEdit={() => setEditing(true)} />
        </>
      )}
      {data && editing && (
        <ResponsePlanForm
          personId={personId}
          steps={data.steps}
          onCancel={() => setEditing(false)}
          onSaved={(version) => {
            setEditing(false)
            setDone(`Saved as version ${version}.`)
            reload()
          }}
        />
      )}
    </section>
  )
}
