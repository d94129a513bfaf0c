import { z } from 'zod'

/** PROTOCOL §1 command types sent from the platform to a device. */
const COMMAND_TYPES = ['alarm.acknowledged', 'alarm.resolved', 'config'] as const

export const DeviceCommandSchema = z.object({
  id: z.string().min(1).max(64),
  type: z.enum(COMMAND_TYPES),
  ts: z.number(),
  alertId: z.string().optional(),
  text: z.string().optional(),
  data: z
    .object({ checkInSeconds: z.number().int().positive().optional(), reportSeconds: z.number().int().positive().optional() })
    .optional(),
})
export type DeviceCommand = z.infer<typeof DeviceCommandSchema>

/** What the pendant says when a responder takes the call. */
export const ACKNOWLEDGED_TEXT = 'Your call has been answered'
export const RESOLVED_TEXT = 'Your call has been closed'
