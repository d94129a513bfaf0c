import type { BrokerRunFigures, BrokerTarget } from './broker-compare.js'
import { formatNumber, formatSpread, spread, type Spread } from './figures.js'
import type { FailedBrokerRun, LoadResults } from './load-bench.js'
import type { TargetName } from './load-target.js'
import type { Background, PlatformRunFigures } from './platform-load.js'
import { comparisonTable } from './reference/reference-report.js'

const TARGETS = { alarmP99Ms: 25, storedPerSecond: 20_000, rssMiB: 300 } as const

const label = (b: Background): string => (b === 'saturation' ? 'saturation' : formatNumber(b))

function byBackground(runs: readonly PlatformRunFigures[], background: Background) {
  return runs.map((r) => r.backgrounds.find((b) => b.background === background)).filter((b) => b !== undefined)
}

/** The platform runs of one target (runs from before the reference pipeline are Hearth's). */
const runsOf = (results: LoadResults, target: TargetName): PlatformRunFigures[] => results.platformRuns.filter((r) => (r.target ?? 'hearth') === target)

function whatRan(results: LoadResults, target: TargetName): string {
  const options = results.options.platform
  if (target === 'reference') {
    return `**Reference pipeline** (bench/reference/: Debian's mosquitto ${results.machine.mosquitto ?? ''}, a minimal SQLite ingest process, a minimal alerting process with a durable journal; CPU and RSS summed over the three, event-loop delay the alerting process's; it serves no records, so no dashboard reads)`
  }
  return `**Platform** (\`npm start\` in one process, embedded store; ${options?.ingest === 'loop' ? '**readings parsed and stored on the event loop that carries alarms** (`--ingest loop`)' : 'readings parsed and stored in the ingest thread, as shipped'}; ${options?.broker === 'loop' ? '**the broker on the event loop that carries alarms** (`--broker loop`)' : 'the broker in a thread of its own, as shipped'})`
}

function platformTable(results: LoadResults, target: TargetName): string[] {
  const options = results.options.platform
  const runs = runsOf(results, target)
  if (!options || runs.length === 0) return []
  const rows = options.backgrounds.map((background) => {
    const at = byBackground(runs, background)
    const cells = [
      formatSpread(spread(at.map((b) => b.sentPerSecond ?? Number.NaN))),
      formatSpread(spread(at.map((b) => b.storedPerSecond))),
      formatSpread(spread(at.map((b) => b.alarm.p50Ms)), 1),
      formatSpread(spread(at.map((b) => b.alarm.p99Ms)), 1),
      formatSpread(spread(at.map((b) => b.alarm.maxMs)), 1),
      formatSpread(spread(at.map((b) => b.alarm.toPlatformP99Ms)), 0),
      `${at.reduce((s, b) => s + b.alarm.samples, 0)} (${at.reduce((s, b) => s + b.alarm.missed, 0)} missed)`,
      formatSpread(spread(at.map((b) => b.cpuCores)), 2),
      formatSpread(spread(at.map((b) => b.cpuMsPer1k)), 0),
      formatSpread(spread(at.map((b) => b.loopDelayP99Ms)), 0),
      at.every((b) => b.readerDelayP99Ms === undefined) ? 'n/a' : formatSpread(spread(at.map((b) => b.readerDelayP99Ms ?? Number.NaN)), 0),
      formatSpread(spread(at.map((b) => b.backlogAfter ?? Number.NaN))),
      // Runs from before audited reads were measured have no `reads`; the reference serves no records.
      target === 'reference' || at.some((b) => b.reads === undefined)
        ? 'n/a'
        : `${formatSpread(spread(at.map((b) => b.reads.perSecond)), 1)} (p99 ${formatSpread(spread(at.map((b) => b.reads.p99Ms)), 1)} ms, ${at.reduce((s, b) => s + b.reads.failed, 0)} failed)`,
    ]
    return `| ${label(background)} | ${cells.join(' | ')} |`
  })
  const sent = runs.reduce((s, r) => s + r.readingsSent, 0)
  const lost = runs.reduce((s, r) => s + r.lost, 0)
  const crashed = runs.filter((r) => r.crashed !== undefined).length
  return [
    `${whatRan(results, target)}, ${formatNumber(options.devices)} devices connected (persistent sessions${target === 'hearth' ? ', one person each' : ''}), ` +
      `packs of ${options.packSize} SenML records (${Math.round(options.qos1Share * 100)}% at QoS 1), a status check-in per device every ${options.statusEverySeconds} s, ` +
      `${options.pressesPerSecond} alarm presses/s from ${options.pendants} pendants timed to the socket.io \`alert\` on ${target === 'hearth' ? 'a signed-in dashboard, ' : 'a dashboard; '}` +
      (target === 'hearth' ? `which meanwhile opens ${options.readsPerSecond ?? 0} records or timelines a second, each written to the audit log; ` : '') +
      `saturation = ${formatNumber(options.saturationWindow)} QoS 1 packs kept in flight. ` +
      `After each background the bench waits (up to ${formatNumber(options.drainMs / 1000)} s, or until the count stops rising for 10 s) for the store to catch up. ` +
      `Readings lost (sent, never stored): **${formatNumber(lost)} of ${formatNumber(sent)}**${crashed > 0 ? `; **${target === 'hearth' ? 'the platform process' : 'a reference process'} died in ${crashed} of ${runs.length} runs**` : ''}.`,
    '',
    `| background readings/s | sent/s | stored/s (in the store) | alarm p50 ms | alarm p99 ms | alarm max ms | p99 ms before the platform received the press | presses | ${target === 'hearth' ? 'platform' : 'reference'} CPU, cores | CPU ms per 1,000 readings | event-loop delay p99 ms (the loop that emits alerts) | broker thread delay p99 ms (last 10 s) | unstored after the drain | audited dashboard reads/s |`,
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
  ]
}

function memoryTable(results: LoadResults, target: TargetName): string[] {
  const options = results.options.platform
  const runs = runsOf(results, target)
  if (!options || runs.length === 0) return []
  return [
    `| devices connected, idle | ${target === 'hearth' ? 'platform' : 'reference (mosquitto + ingest + alerting)'} RSS MiB |`,
    '| --- | --- |',
    `| 0 (the alarm probe only) | ${formatSpread(spread(runs.map((r) => r.rssMiB.base)))} |`,
    `| ${formatNumber(options.firstDevices)} | ${formatSpread(spread(runs.map((r) => r.rssMiB.first)))} |`,
    `| ${formatNumber(options.devices)} | ${formatSpread(spread(runs.map((r) => r.rssMiB.all)))} |`,
    `| per connection (${formatNumber(options.firstDevices)} to ${formatNumber(options.devices)}) | ${formatSpread(spread(runs.map((r) => r.perConnectionKiB)), 1)} KiB |`,
    '',
    `Connecting devices ${formatNumber(options.firstDevices)} to ${formatNumber(options.devices)} (${formatNumber(options.connectPerSecond)}/s offered; each subscribes to its commands and errors and sends its retained status): ` +
      `**${formatSpread(spread(runs.map((r) => r.connectsPerSecond)))} devices/s**.`,
  ]
}

const succeeded = (runs: ReadonlyArray<BrokerRunFigures | FailedBrokerRun>, target: BrokerTarget): BrokerRunFigures[] =>
  runs.filter((r): r is BrokerRunFigures => r.target === target && !('failed' in r))

function ratio(hearth: Spread, mosquitto: Spread): string {
  return hearth.runs > 0 && mosquitto.runs > 0 && mosquitto.median !== 0 ? `${(hearth.median / mosquitto.median).toFixed(2)}` : 'n/a'
}

function brokerTable(results: LoadResults): string[] {
  const options = results.options.broker
  if (!options || results.brokerRuns.length === 0) return []
  const targets = options.targets
  const figures = (pick: (r: BrokerRunFigures) => number): Map<BrokerTarget, Spread> => new Map(targets.map((t) => [t, spread(succeeded(results.brokerRuns, t).map(pick))]))
  const row = (name: string, pick: (r: BrokerRunFigures) => number, digits: number, unit = ''): string => {
    const s = figures(pick)
    const cells = targets.map((t) => formatSpread(s.get(t) ?? spread([]), digits, unit))
    const r = targets.includes('hearth') && targets.includes('mosquitto') ? ratio(s.get('hearth') ?? spread([]), s.get('mosquitto') ?? spread([])) : 'n/a'
    return `| ${name} | ${cells.join(' | ')} | ${r} |`
  }
  const names: Record<BrokerTarget, string> = { hearth: 'Hearth broker', 'hearth-unlogged': 'Hearth broker, readings log kept nowhere', mosquitto: `mosquitto ${results.machine.mosquitto ?? ''}`.trim(), aedes: `stock aedes ${results.machine.aedes}` }
  const failures = results.brokerRuns.filter((r): r is FailedBrokerRun => 'failed' in r)
  const perWindow = options.windows.map((w) => row(`QoS 1 msg/s delivered, ${formatNumber(w)} in flight`, (r) => r.saturation.find((s) => s.window === w)?.perSecond ?? Number.NaN, 0))
  return [
    `**Broker alone**: ${formatNumber(options.publishers)} publishers (QoS 1, ${200}-byte payloads, own readings topics) to one subscriber (QoS 1, persistent session, as the platform's services); ` +
      'saturation = the best delivered rate over the in-flight windows tried. Brokers take turns within each run.',
    '',
    `| figure | ${targets.map((t) => names[t]).join(' | ')} | Hearth/mosquitto |`,
    `| --- | ${targets.map(() => '---').join(' | ')} | --- |`,
    row('QoS 1 msg/s at saturation', (r) => r.saturationPerSecond, 0),
    ...(options.windows.length > 1 ? perWindow : []),
    row(`latency p50 at ${formatNumber(options.latencyRate)} msg/s`, (r) => r.latency.p50Ms, 2, ' ms'),
    row(`latency p99 at ${formatNumber(options.latencyRate)} msg/s`, (r) => r.latency.p99Ms, 2, ' ms'),
    row(`latency max at ${formatNumber(options.latencyRate)} msg/s`, (r) => r.latency.maxMs, 1, ' ms'),
    row('RSS per idle connection', (r) => r.perConnectionKiB, 1, ' KiB'),
    row('messages lost', (r) => r.lost, 0),
    ...(failures.length > 0 ? ['', ...failures.map((f) => `- ${names[f.target]} failed a run: ${f.failed}`)] : []),
  ]
}

function verdict(met: boolean): string {
  return met ? 'met' : '**missed**'
}

function targetsTable(results: LoadResults): string[] {
  const runs = runsOf(results, 'hearth')
  const options = results.options.platform
  if (!options || runs.length === 0) return []
  const at20k = spread(byBackground(runs, 20_000).map((b) => b.alarm.p99Ms))
  const saturated = spread(byBackground(runs, 'saturation').map((b) => b.storedPerSecond))
  const lost = runs.reduce((s, r) => s + r.lost, 0)
  const rss = spread(runs.map((r) => r.rssMiB.all))
  const hearth = spread(succeeded(results.brokerRuns, 'hearth').map((r) => r.saturationPerSecond))
  const mosquitto = spread(succeeded(results.brokerRuns, 'mosquitto').map((r) => r.saturationPerSecond))
  const rows = [
    `| alarm to dashboard p99 < ${TARGETS.alarmP99Ms} ms, ${formatNumber(options.devices)} devices, 20,000 readings/s | ${formatSpread(at20k, 1, ' ms')} | ${verdict(at20k.median < TARGETS.alarmP99Ms)} |`,
    `| ${formatNumber(TARGETS.storedPerSecond)}+ readings/s stored end to end, 0 lost | ${formatSpread(saturated)} /s at saturation, ${formatNumber(lost)} lost | ${verdict(saturated.median >= TARGETS.storedPerSecond && lost === 0)} |`,
    `| platform < ${TARGETS.rssMiB} MiB with ${formatNumber(options.devices)} idle devices | ${formatSpread(rss, 0, ' MiB')} | ${verdict(rss.median < TARGETS.rssMiB)} |`,
  ]
  if (hearth.runs > 0 && mosquitto.runs > 0) {
    rows.push(`| broker throughput ≥ mosquitto's | ${formatSpread(hearth)} vs ${formatSpread(mosquitto)} msg/s | ${verdict(hearth.median >= mosquitto.median)} |`)
  }
  return ['| target | measured (median, min–max) | |', '| --- | --- | --- |', ...rows]
}

/** The Markdown written to load.md and printed: one section per part that ran. */
export function loadTables(results: LoadResults): { markdown: string } {
  const m = results.machine
  const mosquittoSettings = results.options.broker?.targets.includes('mosquitto')
    ? [`mosquitto settings (written by the bench): \`max_inflight_messages 0\`, \`max_queued_messages 0\`, \`set_tcp_nodelay true\`, \`persistence false\`, password file and ACL with the devices' topic rights, loopback listener.`]
    : []
  const sections = [
    [
      `Load (${results.quick ? 'quick' : 'full'} run, ${results.date.slice(0, 10)}; ${results.options.runs} run(s) of each figure, shown as median (min–max)); ` +
        `${m.cores} cores (${m.cpu}), Node ${m.node}, aedes ${m.aedes}; load average before ${results.loadAverage.before.map((l) => l.toFixed(2)).join('/')}, after ${results.loadAverage.after.map((l) => l.toFixed(2)).join('/')}.`,
    ],
    platformTable(results, 'hearth'),
    memoryTable(results, 'hearth'),
    platformTable(results, 'reference'),
    memoryTable(results, 'reference'),
    results.options.platform ? comparisonTable(results.options.platform, runsOf(results, 'hearth'), runsOf(results, 'reference'), results.machine.mosquitto) : [],
    brokerTable(results),
    mosquittoSettings,
    targetsTable(results),
  ]
  return { markdown: sections.filter((s) => s.length > 0).map((s) => s.join('\n')).join('\n\n') }
}
