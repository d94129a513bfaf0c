import { z } from 'zod'
import { problemsFromZod, type Problem } from './problems.js'
import { MAX_DEVICE_PAYLOAD_BYTES } from './senml.js'

/** PROTOCOL §1 status object; `online` is required. */
export const DeviceStatusSchema = z.strictObject({
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
  const size = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length
  if (size > MAX_DEVICE_PAYLOAD_BYTES) {
    return { ok: false, problems: [{ field: '(root)', message: `payload is ${size} bytes; the limit is ${MAX_DEVICE_PAYLOAD_BYTES}` }] }
  }
  let raw: unknown
  try {
    raw = JSON.parse(payload.toString())
  } catch (error) {
    return { ok: false, problems: [{ field: '(root)', message: `payload is not JSON: ${(error as Error).message}` }] }
  }
  const parsed = DeviceStatusSchema.safeParse(raw)
  return parsed.success ? { ok: true, status: parsed.data } : { ok: false, problems: problemsFromZod(parsed.error) }
}
