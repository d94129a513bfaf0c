import { formatPercent } from '../format.js'

/** A share against its target: a bar (for looking) and the same in words (for reading and screen readers). */
export function ShareBar({ label, share, target, count, of }: { label: string; share: number | null; target: number; count: number; of: number }) {
  const met = share !== null && share >= target
  const verdict = share === null ? 'no alarms' : met ? 'meets the target' : 'below the target'
  return (
    <div class="share" data-met={share === null ? 'none' : String(met)}>
      <p class="share-text">
        <span class="share-label">{label}</span>{' '}
        <strong>{formatPercent(share)}</strong>{' '}
        <span class="muted">
          ({count} of {of}) · target {formatPercent(target)}: {verdict}
        </span>
      </p>
      <div class="share-track" aria-hidden="true">
        <div class="share-fill" style={{ width: `${Math.round((share ?? 0) * 1000) / 10}%` }} />
        <div class="share-target" style={{ left: `${target * 100}%` }} />
      </div>
    </div>
  )
}
