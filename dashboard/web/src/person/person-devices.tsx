import { Battery, DeviceState, LastSeen } from '../components/device-status.js'
import { sortDevicesForAttention } from '../device-health.js'
import type { DeviceView } from '../types.js'

export function PersonDevices({ devices, nowMs }: { devices: readonly DeviceView[]; nowMs: number }) {
  return (
    <section class="panel" aria-labelledby="person-devices">
      <h2 id="person-devices" tabIndex={-1}>
        Devices
      </h2>
      {devices.length === 0 ? (
        <p class="muted">No devices.</p>
      ) : (
        <ul class="device-list">
          {sortDevicesForAttention(devices, nowMs).map((d) => (
            <li key={d.id} data-device-id={d.id}>
              <strong>{d.label ?? d.type}</strong> <span class="muted">{d.id}</span>
              <br />
              <DeviceState device={d} nowMs={nowMs} /> · battery <Battery battery={d.battery} /> · last seen <LastSeen device={d} nowMs={nowMs} />
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}
