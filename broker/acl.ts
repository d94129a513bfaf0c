import type { DeviceId } from '../contract/ids.js'
import { DEVICE_PUBLISHES, DEVICE_SUBSCRIBES, allDevicesTopic, parseDeviceTopic, type DeviceTopicSuffix } from '../contract/topics.js'

/** The platform's own MQTT roles: each may read and write what its job needs and nothing more. */
const SERVICE_ROLES = {
  ingest: { subscribe: ['readings', 'status'], publish: ['errors'] },
  alerting: { subscribe: ['events', 'status'], publish: ['commands', 'errors'] },
} as const satisfies Record<string, { subscribe: DeviceTopicSuffix[]; publish: DeviceTopicSuffix[] }>
export type ServiceRole = keyof typeof SERVICE_ROLES

export type Principal = { kind: 'device'; deviceId: DeviceId } | { kind: 'service'; username: string; role: ServiceRole }

export type Decision = { allowed: true } | { allowed: false; reason: string }

const ALLOW: Decision = { allowed: true }
const deny = (reason: string): Decision => ({ allowed: false, reason })

/** PROTOCOL §1: a device publishes only to its own status, readings and events. */
export function decidePublish(principal: Principal, topic: string): Decision {
  if (topic.startsWith('$')) return deny('publishing to $-topics is not allowed')
  const parsed = parseDeviceTopic(topic)
  if (!parsed) return deny(`not a device topic: ${topic}`)
  if (principal.kind === 'device') {
    if (parsed.deviceId !== principal.deviceId) return deny(`device ${principal.deviceId} may not publish for ${parsed.deviceId}`)
    if (!DEVICE_PUBLISHES.includes(parsed.suffix)) return deny(`devices may not publish to ${parsed.suffix}`)
    return ALLOW
  }
  const grants: readonly DeviceTopicSuffix[] = SERVICE_ROLES[principal.role].publish
  return grants.includes(parsed.suffix) ? ALLOW : deny(`role ${principal.role} may not publish to ${parsed.suffix}`)
}

/** PROTOCOL §1: a device subscribes only to its own commands and errors; no one reads $SYS. */
export function decideSubscribe(principal: Principal, filter: string): Decision {
  if (filter.startsWith('$') || filter === '#' || filter.startsWith('+/')) {
    return deny('subscribing to $-topics or root wildcards is not allowed')
  }
  if (principal.kind === 'device') {
    const parsed = parseDeviceTopic(filter)
    if (!parsed || parsed.deviceId !== principal.deviceId || !DEVICE_SUBSCRIBES.includes(parsed.suffix)) {
      return deny(`device ${principal.deviceId} may subscribe only to its own commands and errors, not ${filter}`)
    }
    return ALLOW
  }
  const grants: readonly DeviceTopicSuffix[] = SERVICE_ROLES[principal.role].subscribe
  const suffix = grants.find((s) => filter === allDevicesTopic(s) || parseDeviceTopic(filter)?.suffix === s)
  return suffix ? ALLOW : deny(`role ${principal.role} may not subscribe to ${filter}`)
}
