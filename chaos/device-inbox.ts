/**
 * What the fleet's devices heard from the platform: commands on their commands topic (recorded by
 * id, to tell a command heard twice from one delivered again) and answers on their errors topic
 * (counted, to tell a refusal the device was told of from a loss).
 */

/** What one device heard on its commands topic: each command id and how often it came. */
export interface CommandLog {
  /** `${alertId} ${type}` → the command ids heard for it. */
  byAction: Map<string, Set<string>>
  /** command id → how many times it arrived. */
  receipts: Map<string, number>
}

/**
 * What one device was told on its errors topic: readings records refused, events refused (each
 * `rate_limited` entry stands for the number of events it names), and other answers (notices).
 */
export interface RefusalCounts {
  readings: number
  events: number
  other: number
}

/** Records a message on a device's commands topic; returns the command's type, or undefined when it was no command. */
export function recordCommand(log: CommandLog, payload: Buffer): string | undefined {
  let command: { id?: unknown; type?: unknown; alertId?: unknown }
  try {
    command = JSON.parse(payload.toString()) as typeof command
  } catch {
    return undefined
  }
  if (typeof command.id !== 'string' || typeof command.type !== 'string') return undefined
  log.receipts.set(command.id, (log.receipts.get(command.id) ?? 0) + 1)
  const key = `${String(command.alertId)} ${command.type}`
  const ids = log.byAction.get(key) ?? new Set<string>()
  ids.add(command.id)
  log.byAction.set(key, ids)
  return command.type
}

/**
 * Counts an answer on the device's errors topic (contract/device-errors.ts). For readings, each
 * entry is one record refused. For events over the device's limits, an entry stands for many:
 * "879 alarm.pressed events … refused, not recorded (e-121 to e-999)"; folded repeats are
 * recorded (in aggregate) and are not counted here.
 */
export function countRefusals(counts: RefusalCounts, payload: Buffer): void {
  let message: { topic?: unknown; refused?: Array<{ code?: unknown; message?: unknown }> }
  try {
    message = JSON.parse(payload.toString()) as typeof message
  } catch {
    counts.other++
    return
  }
  for (const item of message.refused ?? []) {
    const text = typeof item.message === 'string' ? item.message : ''
    if (item.code === 'notice') counts.other++
    else if (message.topic === 'readings') counts.readings++
    else if (item.code === 'rate_limited') {
      if (/refused/.test(text)) counts.events += Number(/^([\d,]+) /.exec(text)?.[1]?.replace(/,/g, '') ?? 1)
    } else counts.events++
  }
}
