import { METRICS } from '../../../../contract/metrics.js'
import { formatAgo, formatNumber, metricLabel, metricUnit } from '../format.js'
import type { LatestReading } from '../types.js'

const ORDER = Object.keys(METRICS)

/** The newest reading of each metric, refreshed with the person every 10 s. */
export function LatestVitals({ latest }: { latest: readonly LatestReading[] }) {
  const sorted = [...latest].sort((a, b) => ORDER.indexOf(a.metric) - ORDER.indexOf(b.metric))
  return (
    <section class="panel" aria-labelledby="person-vitals" data-testid="latest-vitals">
      <h2 id="person-vitals" tabIndex={-1}>
        Latest vitals
      </h2>
      {sorted.length === 0 ? (
        <p class="muted">No readings yet.</p>
      ) : (
        <dl class="vitals">
          {sorted.map((r) => (
            <div class="vital" key={r.metric} data-metric={r.metric}>
              <dt>{metricLabel(r.metric)}</dt>
              <dd>
                <span class="vital-value">{r.metric === 'on_oxygen' ? (r.value ? 'Yes' : 'No') : formatNumber(r.value)}</span> <span class="vital-unit">{metricUnit(r.metric)}</span>
                <span class="vital-at">
                  <time dateTime={r.at}>{formatAgo(r.at)}</time>
                </span>
              </dd>
            </div>
          ))}
        </dl>
      )}
    </section>
  )
}
