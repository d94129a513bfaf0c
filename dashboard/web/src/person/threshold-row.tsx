import type { Priority } from '../../../../contract/alert-values.js'
import { FieldProblems, invalidProps } from '../components/field-problems.js'
import { metricLabel, metricUnit, PRIORITY_LABELS } from '../format.js'
import type { BandKey, ThresholdDraft } from './thresholds-draft.js'

const COLUMNS: ReadonlyArray<{ key: BandKey | 'forSeconds'; label: string }> = [
  { key: 'above', label: 'fires above' },
  { key: 'below', label: 'fires below' },
  { key: 'clearAbove', label: 'clears at or below' },
  { key: 'clearBelow', label: 'clears at or above' },
  { key: 'forSeconds', label: 'for seconds' },
]

interface Props {
  draft: ThresholdDraft
  problems: (field: string) => string[]
  onEdit: (key: BandKey | 'forSeconds', value: string) => void
  onChange: (change: Partial<ThresholdDraft>) => void
  onUseDefault: () => void
}

function sourceText(draft: ThresholdDraft): string {
  if (draft.own) return draft.source === 'person' ? 'Own rule' : 'Own rule (unsaved)'
  if (draft.source === 'person') return 'Default (after saving)'
  return draft.source === 'default' ? 'Default' : 'None'
}

export function ThresholdRow({ draft, problems, onEdit, onChange, onUseDefault }: Props) {
  const label = metricLabel(draft.metric)
  const unit = metricUnit(draft.metric)
  const id = (key: string) => `threshold-${draft.metric}-${key}`
  return (
    <tr data-metric={draft.metric} data-own={String(draft.own)}>
      <th scope="row">
        {label}
        {unit && <span class="muted"> ({unit})</span>}
      </th>
      <td>{sourceText(draft)}</td>
      {COLUMNS.map(({ key, label: what }) => {
        const found = problems(key)
        return (
          <td key={key}>
            <label class="visually-hidden" for={id(key)}>
              {label} {what}
            </label>
            <input
              id={id(key)}
              data-testid={key === 'above' || key === 'below' ? id(key) : undefined}
              class="number"
              type="number"
              step="any"
              inputMode="decimal"
              value={draft[key]}
              onInput={(e) => onEdit(key, e.currentTarget.value)}
              {...invalidProps(id(key), found)}
            />
            <FieldProblems id={`${id(key)}-problems`} problems={found} />
          </td>
        )
      })}
      <td>
        <label class="visually-hidden" for={id('priority')}>
          {label} priority
        </label>
        <select id={id('priority')} value={draft.priority} onChange={(e) => onChange({ priority: e.currentTarget.value as Priority, own: true })}>
          {(Object.keys(PRIORITY_LABELS) as Priority[]).map((p) => (
            <option key={p} value={p}>
              {PRIORITY_LABELS[p]}
            </option>
          ))}
        </select>
      </td>
      <td>
        {draft.own && (
          <button type="button" class="link-button" onClick={onUseDefault}>
            Use default<span class="visually-hidden"> for {label}</span>
          </button>
        )}
      </td>
    </tr>
  )
}
