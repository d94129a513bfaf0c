import type { ChaosOptions } from './options.js'
import type { ScenarioResult } from './scenario.js'
import type { Tally } from './tally.js'

export interface ChaosReport {
  startedAt: string
  options: ChaosOptions
  scenarios: ScenarioResult[]
  /** Every scenario that ran lost nothing acknowledged and stored nothing twice. */
  ok: boolean
}

const KINDS = ['readings', 'alarms', 'commands'] as const
const HEADER = ['fault', 'what', 'attempted', 'acknowledged', 'stored', 'refused', 'lost', 'duplicated', 'unacked'] as const

const seconds = (ms: number | undefined): string => (ms === undefined ? '–' : `${(ms / 1000).toFixed(1)} s`)

function tallyRows(s: ScenarioResult): string[][] {
  const blank = ['', '', '', '', '', '', '']
  if (s.skipped) return [[s.fault, `skipped: ${s.skipped}`, ...blank]]
  if (!s.readings || !s.alarms || !s.commands) return [[s.fault, `did not finish: ${(s.error ?? '').split('\n')[0] ?? ''}`, ...blank]]
  const tallies: Record<(typeof KINDS)[number], Tally> = { readings: s.readings, alarms: s.alarms, commands: s.commands }
  return KINDS.map((kind, i) => {
    const t = tallies[kind]
    return [i === 0 ? s.fault : '', kind, t.attempted, t.acknowledged, t.stored, t.refused, t.lost, t.duplicated, t.unacknowledged].map(String)
  })
}

function recoveryRow(s: ScenarioResult): string[] | undefined {
  if (!s.recovery) return undefined
  const r = s.recovery
  const reconnect = r.devicesDisconnected === 0 ? 'none dropped' : seconds(r.firstReconnectMs)
  const all = r.devicesDisconnected === 0 ? 'none dropped' : `${seconds(r.allReconnectedMs)} (${r.devicesDisconnected} dropped)`
  const c = s.calls
  const calls = c ? `${seconds(c.p50Ms)} / ${seconds(c.maxMs)} (${c.answered} answered, ${c.unanswered} not)` : '–'
  const during = c && c.duringFault.answered + c.duringFault.unanswered > 0 ? `${seconds(c.duringFault.p50Ms)} / ${seconds(c.duringFault.maxMs)} (${c.duringFault.answered} of ${c.duringFault.answered + c.duringFault.unanswered})` : '–'
  return [s.fault, reconnect, seconds(r.firstAcceptedMs), all, seconds(r.firstNewReadingMs), calls, during]
}

function recoveryRows(report: ChaosReport): string[][] {
  return report.scenarios.flatMap((s) => {
    const row = recoveryRow(s)
    return row ? [row] : []
  })
}

const RECOVERY_HEADER = ['fault', 'first device reconnected', 'first publish accepted', 'all devices back', 'first new reading stored', 'call answered p50 / max', 'calls during the fault']

function textTable(header: readonly string[], rows: readonly string[][], rightFrom: number): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i >= rightFrom ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd()
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n')
}

function markdownTable(header: readonly string[], rows: readonly string[][], rightFrom: number): string {
  const escape = (c: string): string => c.replace(/\|/g, '\\|')
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map((_, i) => (i >= rightFrom ? '---:' : '---')).join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(escape).join(' | ')} |`),
  ].join('\n')
}

function verdict(report: ChaosReport): string {
  const failed = report.scenarios.filter((s) => !s.ok).map((s) => s.fault)
  return report.ok ? 'Nothing acknowledged was lost or stored twice.' : `LOST OR DUPLICATED, or did not finish: ${failed.join(', ')}.`
}

/** The tables for the terminal. */
export function renderText(report: ChaosReport): string {
  const rows = report.scenarios.flatMap(tallyRows)
  const recovery = recoveryRows(report)
  const notes = report.scenarios.flatMap((s) => s.notes.map((n) => `  ${s.fault}: ${n}`))
  return [
    textTable(HEADER, rows, 2),
    '',
    'Recovery, from the end of the fault (the restart, the resume, the space freed, the clock back, the flood stopped):',
    textTable(RECOVERY_HEADER, recovery, 1),
    '',
    ...(notes.length > 0 ? ['Notes:', ...notes, ''] : []),
    verdict(report),
  ].join('\n')
}

/** The same, as Markdown, with what each column means. */
export function renderMarkdown(report: ChaosReport): string {
  const o = report.options
  const rows = report.scenarios.flatMap(tallyRows)
  const recovery = recoveryRows(report)
  return [
    `# Hearth fault suite${o.short ? ' (short)' : ''}`,
    '',
    `${report.startedAt}: ${o.devices} devices, ${o.rate} readings/s in packs of ${o.packSize}; load ${o.warmupMs / 1000} s before each fault and ${o.afterMs / 1000} s after. See docs/chaos.md.`,
    '',
    markdownTable(HEADER, rows, 2),
    '',
    '*acknowledged*: PUBACK received by the device (readings, alarms), or the platform answered the responder 200 (commands); ' +
      '*stored*: in the readings store with the time it was sent with; journalled and processed by alerting (or folded into the open alert, in aggregate); heard by the pendant; ' +
      '*refused*: acknowledged, not stored, and the device was told on its errors topic; ' +
      '*lost*: acknowledged, not stored, nobody told; *duplicated*: stored more than once; *unacked*: never acknowledged by the end (still the sender\'s).',
    '',
    '## Recovery',
    '',
    markdownTable(RECOVERY_HEADER, recovery, 1),
    '',
    '## Notes',
    '',
    ...report.scenarios.flatMap((s) => [`**${s.fault}** (${s.title}, ${s.durationS} s)`, '', ...(s.notes.length > 0 ? s.notes.map((n) => `- ${n}`) : ['- nothing to add']), '']),
    verdict(report),
    '',
  ].join('\n')
}
