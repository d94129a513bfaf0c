import { deviceHealth, isOffline, LOW_BATTERY } from '../device-health.js'
import { formatAgo } from '../format.js'
import type { DeviceView } from '../types.js'

const HEALTH_TEXT = { offline: 'Offline', 'never-seen': 'Never seen', 'low-battery': 'Online', ok: 'Online' } as const

/** Online state in words (and a mark), never by colour alone. */
export function DeviceState({ device, nowMs }: { device: DeviceView; nowMs: number }) {
  const health = deviceHealth(device, nowMs)
  const offline = isOffline(device, nowMs)
  return (
    <span class="device-state" data-health={offline ? 'offline' : health}>
      <span aria-hidden="true">{offline ? '✕ ' : health === 'never-seen' ? '? ' : '✓ '}</span>
      {HEALTH_TEXT[health]}
    </span>
  )
}

export function Battery({ battery }: { battery: number | null }) {
  if (battery === null) return <span class="muted">—</span>
  const low = battery < LOW_BATTERY
  return (
    <span class="battery" data-low={String(low)}>
      {Math.round(battery * 100)}%{low && <strong> low</strong>}
    </span>
  )
}

export function LastSeen({ device, nowMs }: { device: DeviceView; nowMs: number }) {
  return device.lastSeenAt ? <time dateTime={device.lastSeenAt}>{formatAgo(device.lastSeenAt, nowMs)}</time> : <span>never</span>
}
