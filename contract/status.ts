import { z } from 'zod'
import { problemsFromZod, type Problem } from './problems.js'
import { readJsonPayload } from './json-payload.js'

/** PROTOCOL §1 status object; `online` is required. */
const DeviceStatusSchema = z.strictObject({
  online: z.boolean(),
  battery: z.number().min(0).max(1).optional(),
  signal: z.number().finite().optional(),
  firmware: z.string().max(64).optional(),
  ts: z.number().finite().optional(),
})
export type DeviceStatus = z.infer<typeof DeviceStatusSchema>

/** The last will PROTOCOL §1 asks devices to set. */
export const OFFLINE_WILL_PAYLOAD = '{"online":false}'

export type StatusVerdict = { ok: true; status: DeviceStatus } | { ok: false; problems: Problem[] }

export function parseDeviceStatus(payload: Buffer | string): StatusVerdict {
  const json = readJsonPayload(payload)
  if (!json.ok) return { ok: false, problems: [{ field: '(root)', message: json.message }] }
  const raw = json.value
  const parsed = DeviceStatusSchema.safeParse(raw)
  return parsed.success ? { ok: true, status: parsed.data } : { ok: false, problems: problemsFromZod(parsed.error) }
}
