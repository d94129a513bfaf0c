import { formatNumber, formatSpread, spread, type Spread } from '../figures.js'
import type { Background, PlatformLoadOptions, PlatformRunFigures } from '../platform-load.js'

/**
 * Hearth beside the reference pipeline, figure by figure: the median (min–max) of each over the
 * runs, and the ratio of the medians, Hearth / reference (for readings stored per second, above
 * 1 means Hearth stores more; for latency, CPU and memory, above 1 means Hearth spends more).
 */
type Figure = (r: PlatformRunFigures) => number

const label = (b: Background): string => (b === 'saturation' ? 'saturation' : `${formatNumber(b)}/s`)

function ratio(hearth: Spread, reference: Spread): string {
  if (hearth.runs === 0 || reference.runs === 0 || reference.median === 0) return 'n/a'
  return (hearth.median / reference.median).toFixed(2)
}

function atBackground(background: Background, pick: (b: PlatformRunFigures['backgrounds'][number]) => number): Figure {
  return (r) => {
    const b = r.backgrounds.find((x) => x.background === background)
    return b === undefined ? Number.NaN : pick(b)
  }
}

export function comparisonTable(options: PlatformLoadOptions, hearth: readonly PlatformRunFigures[], reference: readonly PlatformRunFigures[], mosquitto: string | undefined): string[] {
  if (hearth.length === 0 || reference.length === 0) return []
  const row = (name: string, pick: Figure, digits: number, unit = ''): string => {
    const h = spread(hearth.map(pick))
    const r = spread(reference.map(pick))
    return `| ${name} | ${formatSpread(h, digits, unit)} | ${formatSpread(r, digits, unit)} | ${ratio(h, r)} |`
  }
  const perBackground = options.backgrounds.flatMap((b) => [
    row(`readings stored/s, background ${label(b)}`, atBackground(b, (x) => x.storedPerSecond), 0),
    row(`alarm p50, background ${label(b)}`, atBackground(b, (x) => x.alarm.p50Ms), 1, ' ms'),
    row(`alarm p99, background ${label(b)}`, atBackground(b, (x) => x.alarm.p99Ms), 1, ' ms'),
    row(`alarm max, background ${label(b)}`, atBackground(b, (x) => x.alarm.maxMs), 1, ' ms'),
    row(`CPU cores, background ${label(b)}`, atBackground(b, (x) => x.cpuCores), 2),
    row(`CPU ms per 1,000 readings, background ${label(b)}`, atBackground(b, (x) => x.cpuMsPer1k), 0),
    row(`event-loop delay p99, background ${label(b)}`, atBackground(b, (x) => x.loopDelayP99Ms), 0, ' ms'),
  ])
  const lost = (runs: readonly PlatformRunFigures[]): string => `${formatNumber(runs.reduce((s, r) => s + r.lost, 0))} of ${formatNumber(runs.reduce((s, r) => s + r.readingsSent, 0))}`
  const missed = (runs: readonly PlatformRunFigures[]): number => runs.reduce((s, r) => s + r.backgrounds.reduce((t, b) => t + b.alarm.missed, 0), 0)
  return [
    `**Hearth beside the reference pipeline** (the floor: Debian's mosquitto ${mosquitto ?? ''} with the devices' passwords and topic rights, ` +
      'a minimal ingest process (one MQTT client, QoS 1 persistent session, JSON.parse, one SQLite row per reading, WAL, a transaction every 100 ms) and ' +
      'a minimal alerting process (one MQTT client, each event appended to a journal and fdatasync-ed, then a socket.io `alert`); ' +
      'the same fleet, pendants, probe and load workers, in turns within each run). Reference CPU and RSS are the sums over its three processes; ' +
      'its event-loop delay is the alerting process\'s. The reference serves no records, so its probe makes no dashboard reads. Ratio = Hearth / reference, of the medians.',
    '',
    '| figure | Hearth | reference | Hearth / reference |',
    '| --- | --- | --- | --- |',
    ...perBackground,
    row('RSS, alarm probe only', (r) => r.rssMiB.base, 0, ' MiB'),
    row(`RSS, ${formatNumber(options.firstDevices)} idle devices`, (r) => r.rssMiB.first, 0, ' MiB'),
    row(`RSS, ${formatNumber(options.devices)} idle devices`, (r) => r.rssMiB.all, 0, ' MiB'),
    row('RSS per connection', (r) => r.perConnectionKiB, 1, ' KiB'),
    row('devices connected/s', (r) => r.connectsPerSecond, 0),
    `| readings lost (sent, never stored) | ${lost(hearth)} | ${lost(reference)} | |`,
    `| alarms missed | ${formatNumber(missed(hearth))} | ${formatNumber(missed(reference))} | |`,
  ]
}
