import { isForbidden } from '../api.js'
import { LoadState } from '../components/load-state.js'
import { NoAccess } from '../components/no-access.js'
import { useDocumentTitle } from '../document-title.js'
import { FamilyCard } from '../family/family-card.js'
import type { PersonView } from '../types.js'
import { useApiData } from '../use-api-data.js'

/** Family carers and volunteers: each person they support, with how they are right now. */
export function FamilyPage() {
  useDocumentTitle('Family')
  const { data, error } = useApiData<{ persons: PersonView[] }>('/api/persons')
  if (isForbidden(error)) return <NoAccess title="Family" />
  const persons = [...(data?.persons ?? [])].sort((a, b) => a.name.localeCompare(b.name))
  return (
    <section class="plain-page" data-testid="family-page" aria-labelledby="family-title">
      <h1 id="family-title">Family</h1>
      <p class="lead">How the people you support are right now. This page updates by itself when an alarm is raised, answered or closed.</p>
      <LoadState error={error} title="Family" hasData={data !== undefined} />
      {data && persons.length === 0 && <p>You are not in anyone's circle of care yet.</p>}
      <div class="family-cards">
        {persons.map((p) => (
          <FamilyCard key={p.id} person={p} />
        ))}
      </div>
    </section>
  )
}
