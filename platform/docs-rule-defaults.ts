import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import {
  CareSettingsSchema,
  CreatePersonBodySchema,
  DEFAULT_CARE_SETTINGS,
  DEVICE_CHECK_IN_SECONDS,
  METRICS,
  NUMERIC_METRICS,
  ThresholdSchema,
  defaultThresholds,
  type CareSettings,
  type Threshold,
} from '../contract/index.js'

const HELP = `Usage: npx tsx platform/docs-rule-defaults.ts [--write | --check] [--file FILE]

Prints the rule defaults of docs/rules.md as Markdown, generated from the code that defines them:
the default thresholds, care settings and their accepted values (contract/care-settings.ts),
a new person's time zone and each device type's check-in interval (also in contract/). The
table in docs/rules.md sits between the lines
  ${'<!-- rule-defaults:start -->'}
  ${'<!-- rule-defaults:end -->'}
and test/unit/docs/rule-defaults.test.ts fails when it differs from what this prints.

Options:
  --write      replace the table between the markers in the file with the generated one
  --check      compare only: exit 1 if the file's table differs from the generated one
  --file FILE  the page to write or check (default: docs/rules.md)
  -h, --help   this text

Exit status: 0 done (or the table is up to date), 1 the table differs (--check), 2 usage or
file error (no such file, markers missing).`

export const RULE_DEFAULTS_START = '<!-- rule-defaults:start -->'
export const RULE_DEFAULTS_END = '<!-- rule-defaults:end -->'
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

/** The generated Markdown that stands between the markers in docs/rules.md. */
export function ruleDefaultsMarkdown(): string {
  const own = ThresholdSchema.parse({ metric: 'heart_rate', above: 100 })
  const withoutDefault = NUMERIC_METRICS.filter((m) => !defaultThresholds(1).some((t) => t.metric === m) && !defaultThresholds(2).some((t) => t.metric === m))
  return [
    '<!-- Generated by `npx tsx platform/docs-rule-defaults.ts --write` from contract/care-settings.ts and the device types in contract/: change those, then run it. -->',
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
  ].join('\n')
}

/** The text between the markers, trimmed; undefined when the page has no markers. */
export function ruleDefaultsIn(page: string): string | undefined {
  const start = page.indexOf(RULE_DEFAULTS_START)
  const end = page.indexOf(RULE_DEFAULTS_END)
  if (start < 0 || end < start) return undefined
  return page.slice(start + RULE_DEFAULTS_START.length, end).trim()
}

/** The page with the generated table between its markers. */
export function withRuleDefaults(page: string, markdown: string = ruleDefaultsMarkdown()): string {
  const start = page.indexOf(RULE_DEFAULTS_START)
  const end = page.indexOf(RULE_DEFAULTS_END)
  if (start < 0 || end < start) throw new Error(`the page has no ${RULE_DEFAULTS_START} … ${RULE_DEFAULTS_END} markers`)
  return `${page.slice(0, start + RULE_DEFAULTS_START.length)}\n${markdown}\n${page.slice(end)}`
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
    console.log(HELP)
    return 0
  }
  if (values.write && values.check) {
    console.error('give --write or --check, not both (--help for usage)')
    return 2
  }
  const markdown = ruleDefaultsMarkdown()
  if (!values.write && !values.check) {
    console.log(markdown)
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
  const current = ruleDefaultsIn(page)
  if (current === undefined) {
    console.error(`${file} has no ${RULE_DEFAULTS_START} … ${RULE_DEFAULTS_END} markers`)
    return 2
  }
  if (current === markdown) {
    console.log(`${file}: the rule defaults are up to date`)
    return 0
  }
  if (values.check) {
    console.error(`${file}: the rule defaults differ from the code; run npx tsx platform/docs-rule-defaults.ts --write`)
    return 1
  }
  writeFileSync(file, withRuleDefaults(page, markdown))
  console.log(`${file}: rule defaults written`)
  return 0
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.exitCode = main()
