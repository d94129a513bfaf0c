import { useEffect, useMemo, useRef, useState } from 'preact/hooks'
import type { ThresholdInForce } from '../../../../contract/care-settings.js'
import { METRICS } from '../../../../contract/metrics.js'
import { messageOf } from '../api.js'
import { formatNumber, metricLabel, metricUnit } from '../format.js'
import type { LatestReading } from '../types.js'
import { useApiData } from '../use-api-data.js'
import { MetricChart, type ChartLine } from './metric-chart.js'
import type { SeriesAnswer } from './series.js'

const RANGES = {
  day: { label: 'last 24 hours', button: '24 hours', spanMs: 86_400_000, every: '300s' },
  week: { label: 'last 7 days', button: '7 days', spanMs: 7 * 86_400_000, every: '1h' },
} as const
type RangeKey = keyof typeof RANGES

const NUMERIC = (Object.keys(METRICS) as Array<keyof typeof METRICS>).filter((m) => METRICS[m].kind === 'number')

function linesOf(threshold: ThresholdInForce | undefined): ChartLine[] {
  if (!threshold) return []
  const lines: ChartLine[] = []
  if (threshold.above !== undefined) lines.push({ value: threshold.above, label: `above ${formatNumber(threshold.above)}` })
  if (threshold.below !== undefined) lines.push({ value: threshold.below, label: `below ${formatNumber(threshold.below)}` })
  return lines
}

function ChartFor({ personId, metric, range, toMs, threshold, latest }: { personId: string; metric: string; range: RangeKey; toMs: number; threshold: ThresholdInForce | undefined; latest: LatestReading | undefined }) {
  const spec = RANGES[range]
  const path = `/api/persons/${encodeURIComponent(personId)}/readings?metric=${metric}&from=${new Date(toMs - spec.spanMs).toISOString()}&to=${new Date(toMs).toISOString()}&every=${spec.every}`
  const { data, error, reload } = useApiData<SeriesAnswer>(path)
  // The window moves on each minute: keep showing the same period's data meanwhile, never another period's.
  const last = useRef<{ range: RangeKey; data: SeriesAnswer }>()
  if (data) last.current = { range, data }
  const series = data ?? (last.current?.range === range ? last.current.data : undefined)
  const lines = useMemo(() => linesOf(threshold), [threshold])
  if (error !== undefined && series === undefined) {
    return (
      <figure class="chart" data-testid={`chart-${metric}`} data-points={0}>
        <figcaption>
          <span class="chart-title">{metricLabel(metric)}</span>
        </figcaption>
        <p class="notice error-notice">
          Could not load the {spec.label} chart: {messageOf(error)}{' '}
          <button type="button" onClick={reload}>
            Try again<span class="visually-hidden"> to load the {metricLabel(metric)} chart</span>
          </button>
        </p>
      </figure>
    )
  }
  return <MetricChart metric={metric} unit={metricUnit(metric)} rangeLabel={spec.label} series={series} lines={lines} latest={latest} />
}

/** A chart per numeric metric the person has readings of, over 24 hours or 7 days, with their thresholds drawn in. */
export function VitalsCharts({ personId, latest, thresholds }: { personId: string; latest: readonly LatestReading[]; thresholds: readonly ThresholdInForce[] }) {
  const [range, setRange] = useState<RangeKey>('day')
  const [toMs, setToMs] = useState(() => Date.now())
  useEffect(() => {
    const timer = window.setInterval(() => setToMs(Date.now()), 60_000)
    return () => window.clearInterval(timer)
  }, [])
  const present = new Set(latest.map((r) => r.metric))
  const metrics = NUMERIC.filter((m) => present.has(m))
  return (
    <section class="panel" aria-labelledby="person-charts">
      <div class="section-head">
        <h2 id="person-charts" tabIndex={-1}>
          Charts
        </h2>
        <div class="toggle" role="group" aria-label="Period">
          {(Object.keys(RANGES) as RangeKey[]).map((key) => (
            <button key={key} type="button" aria-pressed={range === key} onClick={() => setRange(key)}>
              {RANGES[key].button}
            </button>
          ))}
        </div>
      </div>
      {metrics.length === 0 ? (
        <p class="muted">No readings yet.</p>
      ) : (
        <div class="charts">
          {metrics.map((metric) => (
            <ChartFor key={metric} personId={personId} metric={metric} range={range} toMs={toMs} threshold={thresholds.find((t) => t.metric === metric)} latest={latest.find((r) => r.metric === metric)} />
          ))}
        </div>
      )}
    </section>
  )
}
