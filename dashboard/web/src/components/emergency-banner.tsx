import type { Alert } from '../../../../contract/alert.js'
import { kindText } from '../format.js'

interface Props {
  emergencies: readonly Alert[]
  onDismiss: (id: string) => void
}

/** The visual cue for a new emergency, on every page, until someone takes it or it is dismissed here. */
export function EmergencyBanner({ emergencies, onDismiss }: Props) {
  const newest = emergencies[0]
  if (!newest) return null
  const more = emergencies.length - 1
  return (
    <div class="banner banner-emergency" data-testid="new-emergency-banner" data-alert-id={newest.id}>
      <span class="banner-icon" aria-hidden="true">
        !
      </span>
      <p>
        <strong>New emergency: {newest.personName}</strong> — {newest.summary ?? kindText(newest.kind)}
        {more > 0 && <> (and {more} more)</>}
      </p>
      <a class="button" href="#/queue">
        Open the queue
      </a>
      <button type="button" onClick={() => onDismiss(newest.id)}>
        Dismiss<span class="visually-hidden"> the banner for {newest.personName}</span>
      </button>
    </div>
  )
}
