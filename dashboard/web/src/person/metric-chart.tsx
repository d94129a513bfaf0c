import { useEffect, useRef } from 'preact/hooks'
import uPlot from 'uplot'
import { formatDateTime, formatNumber, metricLabel } from '../format.js'
import { summarise, toColumns, type SeriesAnswer } from './series.js'

export interface ChartLine {
  value: number
  label: string
}

interface Props {
  metric: string
  unit: string
  rangeLabel: string
  series: SeriesAnswer | undefined
  lines: readonly ChartLine[]
  /** The newest single reading (the series holds bucket means). */
  latest: { value: number; at: string } | undefined
}

const HEIGHT = 170
const hourFormat = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit' })
const dayFormat = new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric' })

/** Axis labels in British style: times over a day, days over a week. */
function timeLabels(spanSeconds: number): uPlot.Axis.Values {
  const format = spanSeconds <= 2 * 86_400 ? hourFormat : dayFormat
  return (_u, splits) => splits.map((s) => format.format(new Date(s * 1000)))
}

function options(width: number, series: SeriesAnswer, unit: string, lines: readonly ChartLine[]): uPlot.Options {
  // The whole period asked for, not just where readings happen to be: a gap at the end is news.
  const fromSeconds = Date.parse(series.from) / 1000
  const toSeconds = Date.parse(series.to) / 1000
  const range: uPlot.Range.MinMax = [fromSeconds, toSeconds]
  return {
    width,
    height: HEIGHT,
    legend: { show: false },
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: true, range } },
    axes: [
      { stroke: '#3d3d3d', grid: { stroke: '#e3e3e3' }, values: timeLabels(toSeconds - fromSeconds) },
      { stroke: '#3d3d3d', grid: { stroke: '#e3e3e3' }, label: unit, size: 56 },
    ],
    series: [
      {},
      { label: 'mean', stroke: '#1d4f91', width: 2 },
      { label: 'lowest', stroke: '#6b7280', width: 1, dash: [4, 4] },
      { label: 'highest', stroke: '#6b7280', width: 1, dash: [4, 4] },
    ],
    hooks: {
      // The thresholds in force, as dashed red lines, so a reading's distance from them shows.
      draw: [
        (u) => {
          const { ctx } = u
          ctx.save()
          ctx.strokeStyle = '#a4161a'
          ctx.setLineDash([6, 4])
          ctx.lineWidth = 1.5 * devicePixelRatio
          for (const line of lines) {
            const y = u.valToPos(line.value, 'y', true)
            if (y < u.bbox.top || y > u.bbox.top + u.bbox.height) continue
            ctx.beginPath()
            ctx.moveTo(u.bbox.left, y)
            ctx.lineTo(u.bbox.left + u.bbox.width, y)
            ctx.stroke()
          }
          ctx.restore()
        },
      ],
    },
  }
}

/** One metric over a period with uPlot; a visually hidden sentence says the same for screen readers. */
export function MetricChart({ metric, unit, rangeLabel, series, lines, latest: newest }: Props) {
  const box = useRef<HTMLDivElement>(null)
  const points = series?.points ?? []
  const buckets = summarise(points)
  const inPeriod = newest && series && points.length > 0 && newest.at >= series.from ? newest : undefined
  const summary = { ...buckets, latest: inPeriod ?? buckets.latest }
  const label = metricLabel(metric)

  useEffect(() => {
    const el = box.current
    if (!el || !series || series.points.length === 0) return undefined
    const chart = new uPlot(options(Math.max(200, el.clientWidth), series, unit, lines), toColumns(series.points, series.everySeconds), el)
    const resize = new ResizeObserver(() => chart.setSize({ width: Math.max(200, el.clientWidth), height: HEIGHT }))
    resize.observe(el)
    return () => {
      resize.disconnect()
      chart.destroy()
    }
  }, [series, unit, lines])

  const text =
    summary.latest === undefined || summary.min === undefined
      ? `${label}, ${rangeLabel}: no readings.`
      : `${label}, ${rangeLabel}: latest ${formatNumber(summary.latest.value)} ${unit} at ${formatDateTime(summary.latest.at)}; lowest ${formatNumber(summary.min ?? 0)}; highest ${formatNumber(summary.max ?? 0)}.`
  return (
    <figure class="chart" data-testid={`chart-${metric}`} data-points={points.length}>
      <figcaption>
        <span class="chart-title">
          {label} <span class="muted">{unit}</span>
        </span>
        {summary.latest !== undefined && (
          <span class="chart-stats" aria-hidden="true">
            latest {formatNumber(summary.latest.value)} · low {formatNumber(summary.min ?? 0)} · high {formatNumber(summary.max ?? 0)}
          </span>
        )}
        <span class="visually-hidden">{text}</span>
      </figcaption>
      {series === undefined ? <p class="muted">Loading…</p> : points.length === 0 ? <p class="muted">No readings in this period.</p> : null}
      <div class="chart-plot" ref={box} aria-hidden="true" hidden={points.length === 0} />
    </figure>
  )
}
