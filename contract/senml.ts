import { readJsonPayload } from './json-payload.js'
import { METRICS, isMetricName, type MetricName } from './metrics.js'
/** RFC 8428 §4.5.3: a time below 2^28 is relative to the moment of receipt. */
const RELATIVE_TIME_LIMIT_S = 2 ** 28

/**
 * The window a reading's time must fall in: no more than a day ahead of the platform's clock (a
 * device clock set wrong would otherwise make its reading the person's "latest" for ever), and not
 * before 2000 (a device whose clock was never set). ECMAScript's own Date range bounds both.
 */
export const READING_MAX_AHEAD_MS = 86_400_000
export const READING_EARLIEST_MS = Date.UTC(2000, 0, 1)

/** ECMAScript's Date range: ±100,000,000 days from 1970. */
const MAX_DATE_MS = 8.64e15

export type RefusalCode =
  | 'too_large'
  | 'not_json'
  | 'not_a_pack'
  | 'not_an_object'
  | 'unknown_field'
  | 'bad_field'
  | 'missing_name'
  | 'unknown_metric'
  | 'wrong_unit'
  | 'missing_value'
  | 'not_numeric'
  | 'out_of_range'
  | 'bad_time'

export interface Reading {
  metric: MetricName
  /** Booleans (`vb`) are kept as 1 and 0. */
  value: number
  atMs: number
}

interface RecordRefusal {
  /** Index of the record in the pack; -1 when the whole payload is refused. */
  index: number
  name?: string
  code: RefusalCode
  message: string
}

export interface PackVerdict {
  readings: Reading[]
  refusals: RecordRefusal[]
}

const BASE_FIELDS = new Set(['bn', 'bt', 'bu', 'bv', 'bs', 'bver'])
const RECORD_FIELDS = new Set(['n', 'u', 'v', 'vs', 'vb', 'vd', 's', 't', 'ut'])

interface Base {
  bt: number
  bu: string | undefined
  bv: number
}

function refuseWhole(code: RefusalCode, message: string): PackVerdict {
  return { readings: [], refusals: [{ index: -1, code, message }] }
}

/**
 * Judges a SenML JSON pack (RFC 8428) against the metric table.
 * PROTOCOL §1: each record is judged on its own; a valid record is kept even when its neighbours are not.
 */
export function judgeSenmlPack(payload: Buffer | string, receivedAtMs: number): PackVerdict {
  const json = readJsonPayload(payload)
  if (!json.ok) return refuseWhole(json.code, json.message)
  const pack = json.value
  if (!Array.isArray(pack) || pack.length === 0) {
    return refuseWhole('not_a_pack', 'a SenML pack is a non-empty JSON array of records')
  }
  const verdict: PackVerdict = { readings: [], refusals: [] }
  const base: Base = { bt: 0, bu: undefined, bv: 0 }
  pack.forEach((record: unknown, index) => {
    const outcome = judgeRecord(record, base, receivedAtMs)
    if ('code' in outcome) verdict.refusals.push({ index, ...outcome })
    else verdict.readings.push(outcome)
  })
  return verdict
}

type RecordOutcome = Reading | Omit<RecordRefusal, 'index'>

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value)
}

function applyBase(record: Record<string, unknown>, base: Base): string | undefined {
  if ('bt' in record) {
    if (!isFiniteNumber(record.bt)) return 'bt must be a number'
    base.bt = record.bt
  }
  if ('bu' in record) {
    if (typeof record.bu !== 'string') return 'bu must be a string'
    base.bu = record.bu
  }
  if ('bv' in record) {
    if (!isFiniteNumber(record.bv)) return 'bv must be a number'
    base.bv = record.bv
  }
  if ('bn' in record && typeof record.bn !== 'string') return 'bn must be a string'
  return undefined
}

function judgeRecord(record: unknown, base: Base, receivedAtMs: number): RecordOutcome {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) {
    return { code: 'not_an_object', message: 'a SenML record is a JSON object' }
  }
  const fields = record as Record<string, unknown>
  const baseProblem = applyBase(fields, base)
  if (baseProblem) return { code: 'bad_field', message: baseProblem }
  const unknown = Object.keys(fields).filter((k) => !BASE_FIELDS.has(k) && !RECORD_FIELDS.has(k))
  if (unknown.length > 0) {
    return { code: 'unknown_field', message: `unknown SenML field(s): ${unknown.join(', ')}` }
  }
  const name = fields.n
  if (typeof name !== 'string' || name.length === 0) {
    return { code: 'missing_name', message: 'record has no metric name (n)' }
  }
  if (!isMetricName(name)) return { name, code: 'unknown_metric', message: `unknown metric "${name}"` }
  const at = recordTimeMs(fields, base, receivedAtMs)
  if (at === undefined) return { name, code: 'bad_time', message: 't must be a number' }
  const outside = outsideWindow(at, receivedAtMs)
  if (outside) return { name, code: 'bad_time', message: outside }
  const value = judgeValue(name, fields, base)
  if (typeof value !== 'number') return { name, ...value }
  return { metric: name, value, atMs: at }
}

function outsideWindow(atMs: number, receivedAtMs: number): string | undefined {
  if (!(Math.abs(atMs) <= MAX_DATE_MS)) return 'the time is outside the range of dates'
  if (atMs > receivedAtMs + READING_MAX_AHEAD_MS) return `the time ${new Date(atMs).toISOString()} is more than a day ahead of the platform's clock`
  if (atMs < READING_EARLIEST_MS) return `the time ${new Date(atMs).toISOString()} is before 2000: is the device's clock set?`
  return undefined
}

function recordTimeMs(fields: Record<string, unknown>, base: Base, receivedAtMs: number): number | undefined {
  if ('t' in fields && !isFiniteNumber(fields.t)) return undefined
  const t = base.bt + ((fields.t as number | undefined) ?? 0)
  // RFC 8428: times below 2^28 are relative to now; a record with no time is "now".
  return t < RELATIVE_TIME_LIMIT_S ? receivedAtMs + t * 1000 : t * 1000
}

function judgeValue(
  name: MetricName,
  fields: Record<string, unknown>,
  base: Base,
): number | Omit<RecordRefusal, 'index' | 'name'> {
  const spec = METRICS[name]
  const unit = fields.u ?? base.bu
  if (spec.kind === 'boolean') {
    if (unit !== undefined) return { code: 'wrong_unit', message: `${name} takes no unit` }
    if (typeof fields.vb !== 'boolean') {
      return { code: 'missing_value', message: `${name} needs a boolean value (vb)` }
    }
    return fields.vb ? 1 : 0
  }
  if (unit !== spec.unit) {
    return { code: 'wrong_unit', message: `${name} must be in "${spec.unit}", not ${JSON.stringify(unit ?? null)}` }
  }
  if (!('v' in fields)) {
    const other = ['vs', 'vb', 'vd'].find((k) => k in fields)
    return other
      ? { code: 'not_numeric', message: `${name} needs a numeric value (v), not ${other}` }
      : { code: 'missing_value', message: `${name} has no value (v)` }
  }
  if (!isFiniteNumber(fields.v)) return { code: 'not_numeric', message: `${name} value must be a number` }
  const value = base.bv + fields.v
  if (value < spec.min || value > spec.max) {
    return { code: 'out_of_range', message: `${name} ${value} ${spec.unit} is outside ${spec.min} to ${spec.max}` }
  }
  return value
}
