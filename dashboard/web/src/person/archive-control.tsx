import { useState } from 'preact/hooks'
import { announce } from '../announcer.js'
import { api, formErrorText, problemsFor } from '../api.js'
import { FieldProblems, invalidProps } from '../components/field-problems.js'
import { formatDateTime } from '../format.js'
import type { PersonDetail } from '../types.js'
import { useSubmission } from '../use-submission.js'

/** At the top of an archived person's page: when, why, and that nobody is watching over them through Hearth. */
export function ArchivedBanner({ person }: { person: PersonDetail }) {
  if (person.archivedAt === null) return null
  return (
    <p class="banner banner-archived page-banner" data-testid="archived-banner">
      <strong>
        Archived on {formatDateTime(person.archivedAt)}: {person.archiveReason}
      </strong>{' '}
      Kept for the record. Hearth does not monitor this person, and they are not in the people list.
    </p>
  )
}

/**
 * POST /api/persons/{id}/archive with a reason, or /unarchive: for the admins and supervisors of
 * the organisation monitoring the person. Asked twice; Hearth refuses while a device is still
 * provisioned or an alert is open, and says which.
 */
export function ArchiveControl({ person, onChanged }: { person: PersonDetail; onChanged: () => void }) {
  const [confirming, setConfirming] = useState(false)
  const [reason, setReason] = useState('')
  const { busy, error, run } = useSubmission()
  const archived = person.archivedAt !== null
  const path = `/api/persons/${encodeURIComponent(person.id)}/${archived ? 'unarchive' : 'archive'}`
  const submit = async (event: SubmitEvent) => {
    event.preventDefault()
    await run(async () => {
      await api(path, { method: 'POST', body: archived ? {} : { reason: reason.trim() } })
      announce(archived ? `${person.name} is back in the people list. Provision their devices to monitor them again.` : `${person.name} is archived.`)
      setConfirming(false)
      setReason('')
      onChanged()
    })
  }
  const problems = problemsFor(error, 'reason')
  if (!confirming) {
    return (
      <div class="archive-control">
        <button type="button" data-testid={archived ? 'person-unarchive' : 'person-archive'} onClick={() => setConfirming(true)}>
          {archived ? 'Bring back from the archive' : 'Archive'}
        </button>
      </div>
    )
  }
  return (
    <form class="confirm" aria-label={archived ? `Bring ${person.name} back?` : `Archive ${person.name}?`} onSubmit={(e) => void submit(e)}>
      {archived ? (
        <p>Bring {person.name} back into the people list? Hearth monitors them again once their devices are provisioned.</p>
      ) : (
        <>
          <p>
            Archive {person.name}? The record is kept and stays readable here, but {person.name} leaves the people list and Hearth stops monitoring them. Deprovision their devices
            and resolve their alerts first.
          </p>
          <label for="archive-reason">Why (kept with the record)</label>
          <input id="archive-reason" required minLength={3} maxLength={500} value={reason} onInput={(e) => setReason(e.currentTarget.value)} {...invalidProps('archive-reason', problems)} />
          <FieldProblems id="archive-reason-problems" problems={problems} />
        </>
      )}
      <button type="submit" class={archived ? 'primary' : 'danger'} data-testid="person-archive-confirm" disabled={busy || (!archived && reason.trim().length < 3)}>
        {archived ? 'Yes, bring back' : 'Yes, archive'}
      </button>
      <button type="button" disabled={busy} onClick={() => setConfirming(false)}>
        Cancel
      </button>
      <p class="error" role="alert" data-testid="person-archive-error">
        {formErrorText(error, (f) => f === 'reason')}
      </p>
    </form>
  )
}
