import type { CircleMembership } from '../../../../contract/circle-values.js'
import { messageOf } from '../api.js'
import { useApiData } from '../use-api-data.js'
import { CircleAddForm } from './circle-add-form.js'
import { CircleMembers } from './circle-members.js'

/** Everyone around the person, from every organisation; circle admins add and end memberships here. */
export function CircleSection({ personId, circleAdmin, onChanged }: { personId: string; circleAdmin: boolean; onChanged: () => void }) {
  const { data, error, fetchedAt, reload } = useApiData<{ members: CircleMembership[] }>(`/api/persons/${encodeURIComponent(personId)}/circle`)
  const changed = () => {
    reload()
    onChanged()
  }
  const active = data?.members.filter((m) => m.active).length ?? 0
  return (
    <section class="panel" aria-labelledby="person-circle" data-testid="circle-of-care">
      <div class="section-head">
        <h2 id="person-circle" tabIndex={-1}>
          Circle of care
        </h2>
        {data && (
          <p class="summary muted">
            {active} active {active === 1 ? 'member' : 'members'}
          </p>
        )}
      </div>
      {error !== undefined && <p class="notice">Could not load the circle: {messageOf(error)}</p>}
      {data && data.members.length === 0 && <p class="muted">Nobody yet.</p>}
      {data && <CircleMembers personId={personId} members={data.members} nowMs={fetchedAt ?? Date.now()} circleAdmin={circleAdmin} onChanged={changed} />}
      {circleAdmin && <CircleAddForm personId={personId} onAdded={changed} />}
    </section>
  )
}
