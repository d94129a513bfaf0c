/** Summaries of repeated measurements: the median and the spread (min to max) over runs. */

export interface Spread {
  median: number
  min: number
  max: number
  runs: number
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  // Nearest rank: the smallest value with at least p% of the samples at or below it.
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length))
  return sorted[rank - 1] ?? Number.NaN
}

export function spread(values: readonly number[]): Spread {
  const finite = values.filter((v) => Number.isFinite(v))
  if (finite.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN, runs: 0 }
  const sorted = [...finite].sort((a, b) => a - b)
  const middle = sorted.length / 2
  const median = sorted.length % 2 === 1 ? (sorted[Math.floor(middle)] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2
  return { median, min: sorted[0] ?? 0, max: sorted[sorted.length - 1] ?? 0, runs: sorted.length }
}

export function formatNumber(value: number, digits = 0): string {
  if (!Number.isFinite(value)) return 'n/a'
  return value.toLocaleString('en-GB', { minimumFractionDigits: digits, maximumFractionDigits: digits })
}

/** "1,234 (1,200–1,250)"; a single run shows the value alone. */
export function formatSpread(s: Spread, digits = 0, unit = ''): string {
  if (s.runs === 0) return 'n/a'
  const value = `${formatNumber(s.median, digits)}${unit}`
  return s.runs === 1 || s.min === s.max ? value : `${value} (${formatNumber(s.min, digits)}–${formatNumber(s.max, digits)})`
}

export const MIB = 1024 * 1024

export const progress = (line: string): void => void process.stderr.write(`${line}\n`)

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))
