import type { SeriesPoint } from '../../../../contract/api.js'

export interface SeriesAnswer {
  from: string
  to: string
  points: SeriesPoint[]
  unit: string | null
  everySeconds: number
}

export interface SeriesSummary {
  latest: { value: number; at: string } | undefined
  min: number | undefined
  max: number | undefined
}

export function summarise(points: readonly SeriesPoint[]): SeriesSummary {
  const last = points[points.length - 1]
  if (!last) return { latest: undefined, min: undefined, max: undefined }
  let min = Infinity
  let max = -Infinity
  for (const p of points) {
    min = Math.min(min, p.min)
    max = Math.max(max, p.max)
  }
  return { latest: { value: last.mean, at: last.t }, min, max }
}

/** uPlot's columns (seconds; mean, min, max), with a gap wherever a bucket holds no reading, so lines never bridge silence. */
export function toColumns(points: readonly SeriesPoint[], everySeconds: number): [number[], (number | null)[], (number | null)[], (number | null)[]] {
  const xs: number[] = []
  const means: (number | null)[] = []
  const mins: (number | null)[] = []
  const maxs: (number | null)[] = []
  let previous: number | undefined
  for (const p of points) {
    const t = Date.parse(p.t) / 1000
    if (previous !== undefined && t - previous > everySeconds * 1.5) {
      xs.push(previous + everySeconds)
      means.push(null)
      mins.push(null)
      maxs.push(null)
    }
    xs.push(t)
    means.push(p.mean)
    mins.push(p.min)
    maxs.push(p.max)
    previous = t
  }
  return [xs, means, mins, maxs]
}
