import { FieldProblems, invalidProps } from './field-problems.js'

interface Props {
  /** The reason field's id; its problems are described by `${id}-problems`. */
  id: string
  reason: string
  problems: readonly string[]
  onReason: (reason: string) => void
  saveLabel: string
  saveTestId: string
  reasonTestId?: string
  onCancel: () => void
  wide?: boolean
}

/**
 * The end of every form that saves a new version (what matters to the person, the response plan,
 * a call script): why it changed, then Save and Cancel.
 */
export function ReasonActions({ id, reason, problems, onReason, saveLabel, saveTestId, reasonTestId, onCancel, wide }: Props) {
  return (
    <div class={wide ? 'form-actions wide' : 'form-actions'}>
      <div class="field grow">
        <label for={id}>Reason for the change</label>
        <input id={id} data-testid={reasonTestId} required maxLength={500} value={reason} onInput={(e) => onReason(e.currentTarget.value)} {...invalidProps(id, problems)} />
        <FieldProblems id={`${id}-problems`} problems={problems} />
      </div>
      <button type="submit" class="primary" data-testid={saveTestId}>
        {saveLabel}
      </button>
      <button type="button" onClick={onCancel}>
        Cancel
      </button>
    </div>
  )
}
