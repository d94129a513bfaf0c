import type { CareSettingsVersion } from '../../../../contract/care-settings.js'
import { messageOf } from '../api.js'
import { formatDateTime } from '../format.js'

interface ThresholdText {
  above?: number
  below?: number
  clearAbove?: number
  clearBelow?: number
  forSeconds?: number
  priority?: string
}

/** A threshold rule as a clinician would say it: "above 100, below 41 (clears at 50 or more), for 300 s, urgent". */
function thresholdText(t: ThresholdText): string {
  const parts: string[] = []
  if (t.above !== undefined) parts.push(`above ${t.above}${t.clearAbove !== undefined ? ` (clears at ${t.clearAbove} or less)` : ''}`)
  if (t.below !== undefined) parts.push(`below ${t.below}${t.clearBelow !== undefined ? ` (clears at ${t.clearBelow} or more)` : ''}`)
  if (t.forSeconds !== undefined) parts.push(`for ${t.forSeconds} s`)
  if (t.priority) parts.push(t.priority)
  return parts.join(', ')
}

function valueText(value: unknown): string {
  if (value === undefined || value === null) return '—'
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value)
  const band = value as { from?: unknown; to?: unknown; metric?: unknown }
  if (typeof band.from === 'string' && typeof band.to === 'string') return `${band.from} to ${band.to}`
  if (typeof band.metric === 'string') return thresholdText(value)
  return JSON.stringify(value)
}

/** Every version of the person's care settings, newest first: who, when, why, and what changed. */
export function SettingsHistory({ versions, error }: { versions: CareSettingsVersion[] | undefined; error: unknown }) {
  return (
    <section class="panel" aria-labelledby="person-settings-history" data-testid="settings-history">
      <h2 id="person-settings-history">Settings history</h2>
      {error !== undefined && (
        <p class="notice" role="status">
          Could not load the history: {messageOf(error)}
        </p>
      )}
      {versions && versions.length === 0 && <p class="muted">Version 0: the defaults, never changed.</p>}
      {versions && versions.length > 0 && (
        <ol class="history">
          {versions.map((v) => (
            <li key={v.version}>
              <strong>Version {v.version}</strong> · {formatDateTime(v.changedAt)} · {v.changedBy}
              <br />
              <span class="reason">“{v.reason}”</span>
              <ul class="changes">
                {v.changes.map((c) => (
                  <li key={c.field}>
                    {c.field}: {valueText(c.old)} → {valueText(c.new)}
                  </li>
                ))}
              </ul>
            </li>
          ))}
        </ol>
      )}
    </section>
  )
}
