import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import {
  CareSettingsSchema,
  CreatePersonBodySchema,
  DEFAULT_CARE_SETTINGS,
  DEVICE_CHECK_IN_SECONDS,
  DEVICE_EVENT_LIMITS,
  ESCALATION_DEADLINES,
  LOW_BATTERY,
  METRICS,
  OFFLINE_GRACE,
  PRIORITIES,
  NUMERIC_METRICS,
  ThresholdSchema,
  defaultThresholds,
  offlineAfterSeconds,
  type CareSettings,
  type Threshold,
} from '../contract/index.js'

function help(): string {
  return `Usage: npx tsx platform/docs-rule-defaults.ts [--write | --check] [--file FILE]

Prints the generated parts of docs/rules.md as Markdown, from the code that defines them: the
default thresholds, care settings and their accepted values (contract/care-settings.ts), a new
person's time zone, each device type's check-in interval, the offline grace, the low-battery
levels, the event limits and each priority's deadlines (contract/rule-defaults.ts). Each part
sits in docs/rules.md between a pair of lines such as
  ${markers('rule-defaults').start}
  ${markers('rule-defaults').end}
(the parts: ${Object.keys(GENERATED).join(', ')}), and test/unit/docs/rule-defaults.test.ts
fails when one differs from what this prints.

Options:
  --write      replace each part between its markers in the file with the generated one
  --check      compare only: exit 1 if any part in the file differs from the generated one
  --file FILE  the page to write or check (default: docs/rules.md)
  -h, --help   this text

Exit status: 0 done (or every part is up to date), 1 a part differs (--check), 2 usage or file
error (no such file, markers missing).`
}

/** The lines a generated part of the page stands between. */
export function markers(part: string): { start: string; end: string } {
  return { start: `<!-- ${part}:start -->`, end: `<!-- ${part}:end -->` }
}

export const RULES_PAGE = fileURLToPath(new URL('../docs/rules.md', import.meta.url))

/** `300` → `5 min`; `3600` → `1 h`; `90` → `90 s`. */
function seconds(s: number): string {
  if (s === 0) return 'at once'
  if (s % 3600 === 0) return `${s / 3600} h`
  if (s % 60 === 0) return `${s / 60} min`
  return `${s} s`
}

const code = (text: string | number): string => `\`${text}\``

function fires(t: Threshold): string {
  const parts = [t.above === undefined ? undefined : `above ${t.above}`, t.below === undefined ? undefined : `below ${t.below}`]
  return parts.filter((p) => p !== undefined).join(' or ')
}

function clears(t: Threshold): string {
  const top = t.clearAbove ?? t.above
  const bottom = t.clearBelow ?? t.below
  const parts = [top === undefined ? undefined : `${top} and below`, bottom === undefined ? undefined : `${bottom} and above`]
  return parts.filter((p) => p !== undefined).join(', ')
}

function unitOf(metric: Threshold['metric']): string {
  const spec = METRICS[metric]
  return spec.kind === 'number' ? code(spec.unit) : ''
}

function thresholdRows(): string[] {
  const scale1 = defaultThresholds(1)
  const scale2 = defaultThresholds(2)
  const rows: string[] = []
  for (const t1 of scale1) {
    const t2 = scale2.find((t) => t.metric === t1.metric)
    const same = t2 !== undefined && JSON.stringify(t1) === JSON.stringify(t2)
    const versions: Array<[string, Threshold]> = same || t2 === undefined ? [['', t1]] : [[' (NEWS2 scale 1)', t1], [' (NEWS2 scale 2)', t2]]
    for (const [label, t] of versions) {
      rows.push(`| ${code(t.metric)}${label} | ${unitOf(t.metric)} | ${fires(t)} | ${clears(t)} | ${seconds(t.forSeconds)} | ${t.priority} |`)
    }
  }
  return rows
}

/** What the settings that are not plain numbers accept. */
const NON_NUMERIC_ACCEPTED: Partial<Record<keyof CareSettings, string>> = {
  news2Scale: '`1` or `2`',
  activeHours: '`{"from","to"}`, local times `HH:MM` that differ',
  timeZone: 'an IANA time zone',
}

/** The accepted values of one care setting: numbers read from its schema. */
function accepted(key: keyof CareSettings): string {
  const schema = CareSettingsSchema.shape[key] as unknown as { minValue?: number | null; maxValue?: number | null; isInt?: boolean }
  if (typeof schema.minValue === 'number' && typeof schema.maxValue === 'number') {
    return `${schema.isInt === true ? 'whole numbers, ' : ''}${schema.minValue} to ${schema.maxValue}`
  }
  return NON_NUMERIC_ACCEPTED[key] ?? ''
}

const SETTING_MEANING: Partial<Record<keyof CareSettings, string>> = {
  news2Scale: 'NEWS2 SpO2 scale: 2 for hypercapnic respiratory failure, set by a clinician',
  activeHours: "the person's waking day; the rest is night",
  timeZone: 'every time of day is judged in it, daylight saving included',
  inactivityHours: 'hours without activity inside the active hours before `inactivity` fires',
  nightDoorMinutes: 'minutes after a door event at night with no movement indoors before `night.door-exit` fires',
  bedExitMinutes: 'minutes out of bed at night before `night.bed-exit` fires',
}

function settingDefault(key: keyof CareSettings): string {
  if (key === 'timeZone') {
    const { timeZone } = CreatePersonBodySchema.parse({ name: 'x' })
    return `the person's (${code(timeZone)} when created without one)`
  }
  const value = DEFAULT_CARE_SETTINGS[key]
  if (key === 'activeHours' && typeof value === 'object') return `${value.from} to ${value.to}`
  return code(JSON.stringify(value))
}

function settingRows(): string[] {
  return (Object.keys(CareSettingsSchema.shape) as Array<keyof CareSettings>).map(
    (key) => `| ${code(key)} | ${settingDefault(key)} | ${accepted(key)} | ${SETTING_MEANING[key] ?? ''} |`,
  )
}

function checkInRows(): string[] {
  const byInterval = new Map<number, string[]>()
  for (const [type, s] of Object.entries(DEVICE_CHECK_IN_SECONDS)) byInterval.set(s, [...(byInterval.get(s) ?? []), code(type)])
  return [...byInterval].sort(([a], [b]) => a - b).map(([s, types]) => `| ${seconds(s)} | ${types.join(', ')} |`)
}

const GENERATED_NOTE = (from: string): string =>
  `<!-- Generated by \`npx tsx platform/docs-rule-defaults.ts --write\` from ${from}: change those, then run it. -->`

const decimal = (fraction: number): string => fraction.toFixed(2)

/** The defaults of the rules: thresholds, care settings, check-in, battery and event limits. */
function ruleDefaultsMarkdown(): string {
  const own = ThresholdSchema.parse({ metric: 'heart_rate', above: 100 })
  const withoutDefault = NUMERIC_METRICS.filter((m) => !defaultThresholds(1).some((t) => t.metric === m) && !defaultThresholds(2).some((t) => t.metric === m))
  const graceShare = OFFLINE_GRACE.fraction === 0.2 ? 'a fifth' : `${OFFLINE_GRACE.fraction * 100}%`
  const wearable = DEVICE_CHECK_IN_SECONDS.wearable
  return [
    GENERATED_NOTE('contract/care-settings.ts, contract/rule-defaults.ts and the device types in contract/'),
    '',
    '**Default thresholds** (a person\'s own rule for a metric replaces that metric\'s default whole):',
    '',
    '| metric | unit | fires when every reading is | clears once a reading is | for | priority |',
    '| --- | --- | --- | --- | --- | --- |',
    ...thresholdRows(),
    '',
    `No default rule: ${withoutDefault.map(code).join(', ')}. A person's own rule that names no \`forSeconds\` or \`priority\` takes ${own.forSeconds} s and \`${own.priority}\`.`,
    '',
    '**Default care settings** (each person starts with these, as version 0):',
    '',
    '| setting | default | accepted | meaning |',
    '| --- | --- | --- | --- |',
    ...settingRows(),
    '',
    '**Expected check-in interval by device type** (`checkInSeconds` at provisioning overrides it):',
    '',
    '| interval | device types |',
    '| --- | --- |',
    ...checkInRows(),
    '',
    `A device is offline after its interval plus grace: ${graceShare} of the interval, at least ${seconds(OFFLINE_GRACE.minimumSeconds)} (a wearable checking in every ${seconds(wearable)} is offline after ${seconds(offlineAfterSeconds(wearable))}).`,
    '',
    `**Low battery**: a status with \`battery\` below ${decimal(LOW_BATTERY.below)} fires \`device.battery-low\`; ${decimal(LOW_BATTERY.clearAt)} or more closes it.`,
    '',
    `**Event limits**, per device: a burst of ${DEVICE_EVENT_LIMITS.burst} events, then ${DEVICE_EVENT_LIMITS.ratePerSecond} a second; \`device.event-flood\` closes once the device has kept within them for ${seconds(DEVICE_EVENT_LIMITS.quietSeconds)}.`,
  ].join('\n')
}

/** Each priority's deadlines. */
function escalationMarkdown(): string {
  return [
    GENERATED_NOTE('contract/rule-defaults.ts'),
    '',
    '| priority | acknowledge within | then escalates again every | resolve within once acknowledged |',
    '| --- | --- | --- | --- |',
    ...PRIORITIES.map((priority) => {
      const d = ESCALATION_DEADLINES[priority]
      const ack = `${seconds(d.ackDeadlineSeconds)}${d.source === undefined ? '' : ` (${d.source})`}`
      return `| ${priority} | ${ack} | ${seconds(d.repeatSeconds)} | ${seconds(d.resolveDeadlineSeconds)} |`
    }),
  ].join('\n')
}

/** The generated parts of docs/rules.md, by the name in their markers. */
export const GENERATED: Readonly<Record<string, () => string>> = { 'rule-defaults': ruleDefaultsMarkdown, escalation: escalationMarkdown }

/** The text between a part's markers, trimmed; undefined when the page lacks them. */
export function generatedIn(page: string, part: string): string | undefined {
  const { start, end } = markers(part)
  const from = page.indexOf(start)
  const to = page.indexOf(end)
  if (from < 0 || to < from) return undefined
  return page.slice(from + start.length, to).trim()
}

/** The page with `markdown` between the part's markers. */
export function withGenerated(page: string, part: string, markdown: string): string {
  const { start, end } = markers(part)
  const from = page.indexOf(start)
  const to = page.indexOf(end)
  if (from < 0 || to < from) throw new Error(`the page has no ${start} … ${end} markers`)
  return `${page.slice(0, from + start.length)}\n${markdown}\n${page.slice(to)}`
}

function main(): number {
  let values: { help?: boolean; write?: boolean; check?: boolean; file?: string }
  try {
    values = parseArgs({ options: { help: { type: 'boolean', short: 'h' }, write: { type: 'boolean' }, check: { type: 'boolean' }, file: { type: 'string' } }, strict: true }).values
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)} (--help for usage)`)
    return 2
  }
  if (values.help) {
    console.log(help())
    return 0
  }
  if (values.write && values.check) {
    console.error('give --write or --check, not both (--help for usage)')
    return 2
  }
  if (!values.write && !values.check) {
    console.log(Object.values(GENERATED).map((generate) => generate()).join('\n\n'))
    return 0
  }
  const file = values.file ?? RULES_PAGE
  let page: string
  try {
    page = readFileSync(file, 'utf8')
  } catch (error) {
    console.error(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`)
    return 2
  }
  let written = page
  const stale: string[] = []
  for (const [part, generate] of Object.entries(GENERATED)) {
    const current = generatedIn(page, part)
    if (current === undefined) {
      console.error(`${file} has no ${markers(part).start} … ${markers(part).end} markers`)
      return 2
    }
    const markdown = generate()
    if (current !== markdown) {
      stale.push(part)
      written = withGenerated(written, part, markdown)
    }
  }
  if (stale.length === 0) {
    console.log(`${file}: every generated part is up to date`)
    return 0
  }
  if (values.check) {
    console.error(`${file}: ${stale.join(', ')} differ from the code; run npx tsx platform/docs-rule-defaults.ts --write`)
    return 1
  }
  writeFileSync(file, written)
  console.log(`${file}: ${stale.join(', ')} written`)
  return 0
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.exitCode = main()
