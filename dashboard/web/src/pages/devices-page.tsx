import { useState } from 'preact/hooks'
import { can, type SessionUser } from '../access.js'
import { isForbidden } from '../api.js'
import { Battery, DeviceState, LastSeen } from '../components/device-status.js'
import { LoadState } from '../components/load-state.js'
import { NoAccess } from '../components/no-access.js'
import { checkInSecondsOf, sortDevicesForAttention } from '../device-health.js'
import { formatDuration } from '../format.js'
import { personHref } from '../router.js'
import type { DeviceView, PersonView } from '../types.js'
import { useApiData } from '../use-api-data.js'
import { DeviceActions } from './device-actions.js'
import { ProvisionForm } from './provision-form.js'
import { useDocumentTitle } from '../document-title.js'

/**
 * Every device, those needing attention (offline, never seen, low battery) first; for admins and
 * supervisors, provisioning, and a new secret or another person for each device.
 */
export function DevicesPage({ user }: { user: SessionUser }) {
  useDocumentTitle('Devices')
  const devices = useApiData<{ devices: DeviceView[] }>('/api/devices', 30_000)
  const persons = useApiData<{ persons: PersonView[] }>('/api/persons', 60_000)
  const [managing, setManaging] = useState<string>()
  const provisions = can(user, 'devices:provision')
  if (isForbidden(devices.error)) return <NoAccess title="Devices" />
  const names = new Map((persons.data?.persons ?? []).map((p) => [p.id, p.name]))
  const now = devices.fetchedAt ?? Date.now()
  const list = sortDevicesForAttention(devices.data?.devices ?? [], now)
  const managed = list.find((d) => d.id === managing)
  return (
    <section data-testid="devices-page" aria-labelledby="devices-title">
      <div class="page-head">
        <h1 id="devices-title">Devices</h1>
        {devices.data && <p class="summary">{list.length} devices</p>}
      </div>
      <LoadState error={devices.error} title="Devices" hasData={devices.data !== undefined} />
      {devices.data && list.length === 0 && <p class="empty">No devices yet.</p>}
      {list.length > 0 && (
        <div class="table-wrap" role="region" aria-label="Table of devices" tabIndex={0}>
          <table class="devices">
            <thead>
              <tr>
                <th scope="col">State</th>
                <th scope="col">Battery</th>
                <th scope="col">Device</th>
                <th scope="col">Type</th>
                <th scope="col">Person</th>
                <th scope="col">Last seen</th>
                <th scope="col">Checks in every</th>
                {provisions && <th scope="col">Secret and person</th>}
              </tr>
            </thead>
            <tbody>
              {list.map((device) => (
                <tr key={device.id} data-testid="device-row" data-device-id={device.id}>
                  <td>
                    <DeviceState device={device} nowMs={now} />
                  </td>
                  <td>
                    <Battery battery={device.battery} />
                  </td>
                  <th scope="row">
                    {device.id}
                    {device.label && <span class="muted"> · {device.label}</span>}
                  </th>
                  <td>{device.type}</td>
                  <td>
                    <a href={personHref(device.personId)}>{names.get(device.personId) ?? device.personId}</a>
                  </td>
                  <td>
                    <LastSeen device={device} nowMs={now} />
                  </td>
                  <td>{formatDuration(checkInSecondsOf(device))}</td>
                  {provisions && (
                    <td>
                      <button type="button" aria-pressed={managing === device.id} onClick={() => setManaging(device.id)}>
                        Manage<span class="visually-hidden"> {device.id}</span>
                      </button>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {provisions && managed && (
        <DeviceActions key={managed.id} device={managed} persons={persons.data?.persons ?? []} onChanged={devices.reload} onClose={() => setManaging(undefined)} />
      )}
      {provisions && <ProvisionForm persons={persons.data?.persons ?? []} onProvisioned={devices.reload} />}
    </section>
  )
}
