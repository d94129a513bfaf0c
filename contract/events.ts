import { z } from 'zod'
import { problemsFromZod, type Problem } from './problems.js'
import { readJsonPayload } from './json-payload.js'

/** PROTOCOL §1 event types. */
const EVENT_TYPES = [
  'alarm.pressed',
  'alarm.cancelled',
  'fall.detected',
  'smoke.detected',
  'co.detected',
  'heat.detected',
  'flood.detected',
  'motion',
  'door.opened',
  'door.closed',
  'bed.exit',
  'bed.enter',
  'chair.exit',
  'chair.enter',
  'medication.taken',
  'medication.missed',
  'test',
] as const
const EventTypeSchema = z.enum(EVENT_TYPES)
export type EventType = z.infer<typeof EventTypeSchema>

const label = z.string().min(1).max(64)
const DATA_SCHEMAS: Partial<Record<EventType, z.ZodType>> = {
  'fall.detected': z.looseObject({ confidence: z.number().min(0).max(1).optional() }),
  motion: z.looseObject({ room: label.optional() }),
  'door.opened': z.looseObject({ door: label.optional() }),
  'door.closed': z.looseObject({ door: label.optional() }),
  'medication.taken': z.looseObject({ dose: label.optional() }),
  'medication.missed': z.looseObject({ dose: label.optional() }),
}

/** Event data is a small object: at most this deep, so it can always be stored and read back. */
const MAX_EVENT_DATA_DEPTH = 4

function depthWithin(value: unknown, limit: number): boolean {
  if (typeof value !== 'object' || value === null) return true
  if (limit === 0) return false
  return Object.values(value).every((v) => depthWithin(v, limit - 1))
}

const DeviceEventSchema = z.object({
  id: z.string().min(1).max(64),
  type: EventTypeSchema,
  ts: z.number().finite().optional(),
  data: z
    .record(z.string(), z.unknown())
    .refine((data) => depthWithin(data, MAX_EVENT_DATA_DEPTH), `nested more than ${MAX_EVENT_DATA_DEPTH} levels deep`)
    .default({}),
})
export type DeviceEvent = z.infer<typeof DeviceEventSchema>

const KNOWN_EVENT_FIELDS = new Set(['id', 'type', 'ts', 'data'])

export type EventVerdict =
  | { ok: true; event: DeviceEvent; notices: string[] }
  | { ok: false; problems: Problem[] }

/**
 * Parses an event payload. Unknown fields are ignored and reported as notices rather than refused:
 * an alarm must never be lost because firmware added a field.
 */
export function parseDeviceEvent(payload: Buffer | string): EventVerdict {
  const json = readJsonPayload(payload)
  if (!json.ok) return { ok: false, problems: [{ field: '(root)', message: json.message }] }
  const raw = json.value
  const parsed = DeviceEventSchema.safeParse(raw)
  if (!parsed.success) return { ok: false, problems: problemsFromZod(parsed.error) }
  const event = parsed.data
  const dataSchema = DATA_SCHEMAS[event.type]
  if (dataSchema) {
    const data = dataSchema.safeParse(event.data)
    if (!data.success) {
      return { ok: false, problems: problemsFromZod(data.error).map((p) => ({ ...p, field: `data.${p.field}` })) }
    }
  }
  const unknown = Object.keys(raw as object).filter((k) => !KNOWN_EVENT_FIELDS.has(k))
  return { ok: true, event, notices: unknown.map((k) => `ignored unknown field "${k}"`) }
}

/**
 * A device event as the broker took it, handed to alerting in-process: refused as invalid (with
 * why), or journalled, with what the journal made of it — `new`; `redelivery`, the same device,
 * id and type again within a day (processed once); `id-reused`, an id the device used before for
 * another event or long ago, journalled as a new event under `<id>~<received ms>`.
 */
export type TakenEvent =
  | { ok: false; problems: Problem[] }
  | { ok: true; event: DeviceEvent; notices: string[]; journal: JournalOutcome }

export type JournalOutcome = 'new' | 'redelivery' | 'id-reused'
