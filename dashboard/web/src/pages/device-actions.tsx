import { useEffect, useRef, useState } from 'preact/hooks'
import { api, formErrorText, problemsFor } from '../api.js'
import { CopyField } from '../components/copy-field.js'
import { FieldProblems, invalidProps } from '../components/field-problems.js'
import { formatDateTime } from '../format.js'
import type { DeviceView, PersonView } from '../types.js'
import { useSubmission } from '../use-submission.js'

/** How long the old secret keeps working after a rotation (`graceMinutes`). */
const GRACES: ReadonlyArray<{ minutes: number; label: string }> = [
  { minutes: 0, label: 'No time: it stops now and the device is disconnected' },
  { minutes: 60, label: '1 hour' },
  { minutes: 24 * 60, label: '24 hours' },
  { minutes: 7 * 24 * 60, label: '7 days' },
]

/** POST /api/devices/{id}/secret answers with the new secret, shown this once. */
interface RotatedSecret {
  id: string
  secret: string
  previousSecretValidUntil: string | null
}

interface Props {
  device: DeviceView
  persons: readonly PersonView[]
  onChanged: () => void
  onClose: () => void
}

/** What admins and supervisors do to one device besides taking it out of service: a new secret, or a move to another person. */
export function DeviceActions({ device, persons, onChanged, onClose }: Props) {
  const heading = useRef<HTMLHeadingElement>(null)
  useEffect(() => heading.current?.focus(), [device.id])
  return (
    <section class="panel" aria-labelledby="device-actions-title" data-testid="device-actions">
      <h2 id="device-actions-title" ref={heading} tabIndex={-1}>
        Device {device.id}
      </h2>
      <RotateSecret device={device} />
      <MoveDevice device={device} persons={persons} onMoved={onChanged} />
      <div class="form-actions">
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
    </section>
  )
}

function RotateSecret({ device }: { device: DeviceView }) {
  const [grace, setGrace] = useState('0')
  const [rotated, setRotated] = useState<RotatedSecret>()
  const { busy, error, run } = useSubmission()
  const submit = async (event: SubmitEvent) => {
    event.preventDefault()
    setRotated(undefined)
    await run(async () => {
      setRotated(await api<RotatedSecret>(`/api/devices/${encodeURIComponent(device.id)}/secret`, { method: 'POST', body: { graceMinutes: Number(grace) } }))
    })
  }
  return (
    <div>
      <form class="form-grid" aria-labelledby="rotate-title" onSubmit={(e) => void submit(e)}>
        <h3 id="rotate-title" class="wide">
          Rotate secret
        </h3>
        <div class="field">
          <label for="rotate-grace">The old secret keeps working for</label>
          <select id="rotate-grace" value={grace} onChange={(e) => setGrace(e.currentTarget.value)} {...invalidProps('rotate-grace', problemsFor(error, 'graceMinutes'))}>
            {GRACES.map((g) => (
              <option key={g.minutes} value={String(g.minutes)}>
                {g.label}
              </option>
            ))}
          </select>
          <FieldProblems id="rotate-grace-problems" problems={problemsFor(error, 'graceMinutes')} />
        </div>
        <div class="form-actions wide">
          <button type="submit" class="primary" disabled={busy}>
            Rotate secret
          </button>
          <p class="error" role="alert">
            {formErrorText(error, (f) => f === 'graceMinutes')}
          </p>
        </div>
      </form>
      {rotated && <NewSecret rotated={rotated} onDone={() => setRotated(undefined)} />}
    </div>
  )
}

/** The new secret, until the user says it is copied: "Done" drops it from the page's state. */
function NewSecret({ rotated, onDone }: { rotated: RotatedSecret; onDone: () => void }) {
  const heading = useRef<HTMLHeadingElement>(null)
  useEffect(() => heading.current?.focus(), [rotated])
  return (
    <div class="secret-panel" data-testid="rotated-secret">
      <h4 ref={heading} tabIndex={-1}>
        New secret for {rotated.id}
      </h4>
      <p>
        <strong>Copy the secret now: Hearth shows it only this once.</strong>{' '}
        {rotated.previousSecretValidUntil === null
          ? 'The old secret no longer works: the device was disconnected and signs in again only with this one.'
          : `The old secret works until ${formatDateTime(rotated.previousSecretValidUntil)}; after that the device must use this one.`}
      </p>
      <CopyField id="rotated-secret" label="New secret" value={rotated.secret} />
      <button type="button" onClick={onDone}>
        Done — hide the secret
      </button>
    </div>
  )
}

function MoveDevice({ device, persons, onMoved }: { device: DeviceView; persons: readonly PersonView[]; onMoved: () => void }) {
  const [personId, setPersonId] = useState('')
  const [movedTo, setMovedTo] = useState('')
  const { busy, error, run } = useSubmission()
  const others = persons.filter((p) => p.id !== device.personId)
  const submit = async (event: SubmitEvent) => {
    event.preventDefault()
    setMovedTo('')
    await run(async () => {
      await api<DeviceView>(`/api/devices/${encodeURIComponent(device.id)}`, { method: 'PATCH', body: { personId } })
      setMovedTo(persons.find((p) => p.id === personId)?.name ?? personId)
      setPersonId('')
      onMoved()
    })
  }
  return (
    <form class="form-grid" aria-labelledby="move-title" onSubmit={(e) => void submit(e)}>
      <h3 id="move-title" class="wide">
        Move to another person
      </h3>
      <div class="field">
        <label for="move-person">Person to move it to</label>
        <select id="move-person" required value={personId} onChange={(e) => setPersonId(e.currentTarget.value)} {...invalidProps('move-person', problemsFor(error, 'personId'))}>
          <option value="">Choose…</option>
          {others.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name} ({p.id})
            </option>
          ))}
        </select>
        <FieldProblems id="move-person-problems" problems={problemsFor(error, 'personId')} />
      </div>
      <div class="form-actions wide">
        <button type="submit" class="primary" disabled={busy}>
          Move to another person
        </button>
        <p class="error" role="alert">
          {formErrorText(error, (f) => f === 'personId')}
        </p>
        <p role="status">{movedTo && `Moved to ${movedTo}. What it sends from now on is theirs; alerts and readings from before stay with the person they were about.`}</p>
      </div>
    </form>
  )
}
