import { formatDateTime } from '../format.js'

/**
 * Below a versioned record of the person's (what matters to them, their response plan): who
 * changed it last and why, what was just saved, and the button to edit it when the user may.
 */
export function VersionFooter(props: {
  changed: { changedAt: string | null; changedBy: string | null; reason: string | null }
  done: string
  canEdit: boolean
  editTestId: string
  editLabel: string
  onEdit: () => void
}) {
  const { changedAt, changedBy, reason } = props.changed
  return (
    <>
      {changedAt && (
        <p class="hint">
          Changed {formatDateTime(changedAt)} by {changedBy}: {reason}
        </p>
      )}
      <p class="hint" role="status">
        {props.done}
      </p>
      {props.canEdit && (
        <button type="button" data-testid={props.editTestId} onClick={props.onEdit}>
          {props.editLabel}
        </button>
      )}
    </>
  )
}
