import { useEffect, useRef, useState } from 'preact/hooks'
import { DEVICE_CHECK_IN_SECONDS, DEVICE_TYPES, type DeviceType } from '../../../../contract/api-values.js'
import { api, formErrorText, problemsFor } from '../api.js'
import { CopyField } from '../components/copy-field.js'
import { FieldProblems, invalidProps } from '../components/field-problems.js'
import { mosquittoPubLine } from '../device-health.js'
import type { PersonView, ProvisionedDevice } from '../types.js'
import { useSubmission } from '../use-submission.js'

interface Props {
  persons: readonly PersonView[]
  onProvisioned: () => void
}

/** POST /api/devices: the secret is shown here once, with a line to try the device's credentials. */
export function ProvisionForm({ persons, onProvisioned }: Props) {
  const [type, setType] = useState<DeviceType>('pendant')
  const [personId, setPersonId] = useState('')
  const [id, setId] = useState('')
  const [label, setLabel] = useState('')
  const [checkIn, setCheckIn] = useState('')
  const [created, setCreated] = useState<ProvisionedDevice>()
  const { busy, error, run } = useSubmission()

  const submit = async (event: SubmitEvent) => {
    event.preventDefault()
    setCreated(undefined)
    await run(async () => {
      const body = {
        type,
        personId,
        ...(id.trim() ? { id: id.trim() } : {}),
        ...(label.trim() ? { label: label.trim() } : {}),
        ...(checkIn.trim() ? { checkInSeconds: Number(checkIn) } : {}),
      }
      setCreated(await api<ProvisionedDevice>('/api/devices', { method: 'POST', body }))
      setId('')
      setLabel('')
      setCheckIn('')
      onProvisioned()
    })
  }

  const problems = (field: string) => problemsFor(error, field)
  return (
    <section class="panel" aria-labelledby="provision-title">
      <h2 id="provision-title" tabIndex={-1}>
        Provision a device
      </h2>
      <form class="form-grid" onSubmit={(e) => void submit(e)}>
        <div class="field">
          <label for="provision-type">Type</label>
          <select id="provision-type" value={type} onChange={(e) => setType(e.currentTarget.value as DeviceType)} {...invalidProps('provision-type', problems('type'))}>
            {DEVICE_TYPES.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
          <FieldProblems id="provision-type-problems" problems={problems('type')} />
        </div>
        <div class="field">
          <label for="provision-person">Person</label>
          <select id="provision-person" required value={personId} onChange={(e) => setPersonId(e.currentTarget.value)} {...invalidProps('provision-person', problems('personId'))}>
            <option value="">Choose…</option>
            {persons.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name} ({p.id})
              </option>
            ))}
          </select>
          <FieldProblems id="provision-person-problems" problems={problems('personId')} />
        </div>
        <div class="field">
          <label for="provision-id">Device id (optional)</label>
          <input id="provision-id" value={id} pattern="[A-Za-z0-9._\-]{1,64}" onInput={(e) => setId(e.currentTarget.value)} {...invalidProps('provision-id', problems('id'))} />
          <FieldProblems id="provision-id-problems" problems={problems('id')} />
        </div>
        <div class="field">
          <label for="provision-label">Label (optional)</label>
          <input id="provision-label" value={label} onInput={(e) => setLabel(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="provision-checkin">Check-in interval, seconds (optional)</label>
          <input id="provision-checkin" type="number" min={10} step={1} inputMode="numeric" placeholder={String(DEVICE_CHECK_IN_SECONDS[type])} value={checkIn} onInput={(e) => setCheckIn(e.currentTarget.value)} {...invalidProps('provision-checkin', problems('checkInSeconds'))} />
          <FieldProblems id="provision-checkin-problems" problems={problems('checkInSeconds')} />
        </div>
        <div class="form-actions wide">
          <button type="submit" class="primary" disabled={busy}>
            Provision
          </button>
          <p class="error" role="alert">
            {formErrorText(error, (f) => ['type', 'personId', 'id', 'checkInSeconds'].includes(f))}
          </p>
        </div>
      </form>
      {created && (
        <ProvisionedSecret
          device={created}
          onDone={() => {
            setCreated(undefined)
            document.getElementById('provision-title')?.focus()
          }}
        />
      )}
    </section>
  )
}

/** The secret, until the user says it is copied: "Done" drops it from the page's state. */
function ProvisionedSecret({ device, onDone }: { device: ProvisionedDevice; onDone: () => void }) {
  const heading = useRef<HTMLHeadingElement>(null)
  useEffect(() => heading.current?.focus(), [device])
  return (
    <div class="secret-panel" data-testid="provisioned">
      <h3 ref={heading} tabIndex={-1}>
        Device {device.id} is ready
      </h3>
      <p>
        <strong>Copy the secret now: Hearth shows it only this once.</strong> The device signs in with its id as client id and username.
      </p>
      <CopyField id="provisioned-secret" label="Secret" value={device.secret} />
      {/* No endpoint says which port the broker listens on: the line assumes MQTT's default. */}
      <CopyField id="provisioned-try" label="Try it with mosquitto_pub (default port 1883)" value={mosquittoPubLine(window.location.hostname, device.id, device.secret)} multiline />
      <button type="button" data-testid="secret-done" onClick={onDone}>
        Done — hide the secret
      </button>
    </div>
  )
}
