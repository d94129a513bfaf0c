import { z } from 'zod'

/** PROTOCOL §1: a device id matches ^[A-Za-z0-9._-]{1,64}$ */
export const DEVICE_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/

export const DeviceIdSchema = z.string().regex(DEVICE_ID_PATTERN, 'must match ^[A-Za-z0-9._-]{1,64}$').brand<'DeviceId'>()
export type DeviceId = z.infer<typeof DeviceIdSchema>

export const PersonIdSchema = z.string().min(1).max(64).brand<'PersonId'>()
export type PersonId = z.infer<typeof PersonIdSchema>

export const AlertIdSchema = z.string().min(1).max(64).brand<'AlertId'>()
export type AlertId = z.infer<typeof AlertIdSchema>

export const UserIdSchema = z.string().min(1).max(64).brand<'UserId'>()
export type UserId = z.infer<typeof UserIdSchema>

export function isDeviceId(value: string): value is DeviceId {
  return DEVICE_ID_PATTERN.test(value)
}
