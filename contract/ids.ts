import { z } from 'zod'

/** PROTOCOL §1: a device id matches ^[A-Za-z0-9._-]{1,64}$ */
const DEVICE_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/

/** Device ids are branded: a string is one only once the pattern has been checked (here or by `isDeviceId`). */
export const DeviceIdSchema = z.string().regex(DEVICE_ID_PATTERN, 'must match ^[A-Za-z0-9._-]{1,64}$').brand<'DeviceId'>()
export type DeviceId = z.infer<typeof DeviceIdSchema>

export function isDeviceId(value: string): value is DeviceId {
  return DEVICE_ID_PATTERN.test(value)
}
