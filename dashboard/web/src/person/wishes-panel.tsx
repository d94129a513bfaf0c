import { useState } from 'preact/hooks'
import type { ActiveHoursInForce, WishesVersion } from '../../../../contract/wishes-values.js'
import { messageOf } from '../api.js'
import { useApiData } from '../use-api-data.js'
import { VersionFooter } from './version-footer.js'
import { WishesForm } from './wishes-form.js'

/** GET /api/persons/{id}/wishes: what matters to the person, the active hours it leads to, and whether the caller may change it. */
export interface WishesAnswer extends WishesVersion {
  activeHours: ActiveHoursInForce
  canEdit: boolean
}

const SOURCE_TEXT: Record<ActiveHoursInForce['source'], string> = {
  routine: 'from their routine',
  'care-settings': 'set by a clinician, which comes before their routine',
  default: 'the service’s default',
}

function List({ items }: { items: string[] }) {
  if (items.length === 0) return <span class="muted">None written.</span>
  return (
    <ul class="plain-list">
      {items.map((item, i) => (
        <li key={i}>{item}</li>
      ))}
    </ul>
  )
}

/** "What matters to me": the person's own words, in versions; edited by them, their proxy, or those who follow their care. */
export function WishesPanel({ personId }: { personId: string }) {
  const { data, error, reload } = useApiData<WishesAnswer>(`/api/persons/${encodeURIComponent(personId)}/wishes`)
  const [editing, setEditing] = useState(false)
  const [done, setDone] = useState('')
  return (
    <section class="panel" aria-labelledby="person-wishes" data-testid="wishes">
      <h2 id="person-wishes" tabIndex={-1}>
        What matters to me {data && data.version > 0 && <span class="muted">· version {data.version}</span>}
      </h2>
      {error !== undefined && <p class="notice">Could not load what matters to the person: {messageOf(error)}</p>}
      {data && !editing && (
        <>
          <dl class="facts">
            <dt>Preferred name</dt>
            <dd data-testid="wishes-preferred-name">{data.preferredName ?? '—'}</dd>
            <dt>Language</dt>
            <dd>{data.preferredLanguage ?? '—'}</dd>
            <dt>Goals</dt>
            <dd>
              <List items={data.goals} />
            </dd>
            <dt>Communication needs</dt>
            <dd>
              <List items={data.communicationNeeds} />
            </dd>
            <dt>Routine</dt>
            <dd>{data.routine ? `Gets up at ${data.routine.wake}, goes to bed at ${data.routine.sleep}` : '—'}</dd>
            <dt>Active hours</dt>
            <dd data-testid="wishes-active-hours">
              {data.activeHours.from} to {data.activeHours.to}, {SOURCE_TEXT[data.activeHours.source]}
            </dd>
            <dt>Contact preferences</dt>
            <dd class="pre">{data.contactPreferences ?? '—'}</dd>
            <dt>Family told of alarms</dt>
            <dd>{data.shareAlarmsWithFamily ? 'Yes: family in the response plan are emailed when an alarm is raised and how it ended' : 'No'}</dd>
          </dl>
          <VersionFooter changed={data} done={done} canEdit={data.canEdit} editTestId="wishes-edit" editLabel="Edit what matters" onEdit={() => setEditing(true)} />
        </>
      )}
      {data && editing && (
        <WishesForm
          personId={personId}
          current={data}
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
