import { useState } from 'preact/hooks'
import { OUTCOMES, type Outcome } from '../../../../contract/alert-values.js'
import type { Incident } from '../../../../contract/incidents.js'
import { announce } from '../announcer.js'
import { api, ApiError, messageOf } from '../api.js'
import { kindText, OUTCOME_LABELS } from '../format.js'
import { useApiData } from '../use-api-data.js'

interface Colleague {
  userId: string
  displayName: string
  supervisor: boolean
}

interface Props {
  incident: Incident
  /** The alert the call is about (the incident's first): notes, callbacks and attendance go on its log. */
  alertId: string
  /** The person's time zone: a callback's time as they will live it. */
  timeZone: string | undefined
  onDone: () => void
  onChanged: (incident: Incident) => void
  /** The incident left this desk (handed on, released, resolved): what to tell the responder. */
  onLeft: (message: string) => void
}

/**
 * What a responder does on an incident besides calling: a note, a callback ("call back in 2
 * hours"), a mobile responder's arrival and clearing, a hand-over to a colleague, and the outcome
 * that closes every alert of it.
 */
export function IncidentActions({ incident, alertId, timeZone, onDone, onChanged, onLeft }: Props) {
  const personPath = `/api/incidents/${encodeURIComponent(incident.personId)}`
  const alertPath = `/api/alerts/${encodeURIComponent(alertId)}`
  const colleagues = useApiData<{ colleagues: Colleague[] }>(`${personPath}/colleagues`)
  const [note, setNote] = useState('')
  const [callback, setCallback] = useState({ minutes: '120', note: '' })
  const [attender, setAttender] = useState('')
  const [transfer, setTransfer] = useState({ to: '', note: '' })
  const [close, setClose] = useState<{ outcome: Outcome | ''; note: string }>({ outcome: '', note: '' })
  const [result, setResult] = useState({ text: '', error: false })
  const [busy, setBusy] = useState(false)

  const act = async (work: () => Promise<string>) => {
    setBusy(true)
    setResult({ text: '', error: false })
    try {
      // The status line below reads the result out; an error is read out at once.
      setResult({ text: await work(), error: false })
      onDone()
    } catch (caught) {
      setResult({ text: messageOf(caught), error: true })
      announce(messageOf(caught), true)
    } finally {
      setBusy(false)
    }
  }
  const post = <T,>(path: string, body: unknown) => api<T>(path, { method: 'POST', body })
  const submit = (work: () => Promise<string>) => (event: Event) => {
    event.preventDefault()
    void act(work)
  }

  return (
    <section class="desk-panel desk-actions" aria-label="Actions on this incident" data-testid="incident-actions">
      <form class="inline-form" onSubmit={submit(async () => {
        if (note.trim() === '') throw new Error('Write the note first.')
        await post(`${alertPath}/notes`, { text: note.trim() })
        setNote('')
        return 'Note added to the incident log.'
      })}>
        <label for="desk-note">Note</label>
        <input id="desk-note" data-testid="desk-note" maxLength={2000} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
        <button type="submit" disabled={busy}>Add note</button>
      </form>
      <form class="inline-form" data-testid="callback-form" onSubmit={submit(async () => {
        const minutes = Number(callback.minutes)
        const made = await post<{ dueAt: string }>(`${alertPath}/follow-ups`, { inMinutes: Number.isInteger(minutes) ? minutes : -1, note: callback.note.trim() })
        setCallback({ minutes: '120', note: '' })
        return `Callback set for ${new Date(made.dueAt).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', ...(timeZone ? { timeZone } : {}) })}.`
      })}>
        <label for="desk-callback-minutes">Call back in (minutes)</label>
        <input id="desk-callback-minutes" data-testid="callback-minutes" inputMode="numeric" size={5} value={callback.minutes} onInput={(e) => setCallback({ ...callback, minutes: e.currentTarget.value })} />
        <label for="desk-callback-note">to check</label>
        <input id="desk-callback-note" data-testid="callback-note" maxLength={500} value={callback.note} onInput={(e) => setCallback({ ...callback, note: e.currentTarget.value })} />
        <button type="submit" data-testid="callback-set" disabled={busy}>Set callback</button>
      </form>
      <form class="inline-form" onSubmit={(e) => e.preventDefault()}>
        <label for="desk-attender">Mobile responder</label>
        <input id="desk-attender" data-testid="attender" maxLength={128} placeholder="name" value={attender} onInput={(e) => setAttender(e.currentTarget.value)} />
        {(['arrived', 'cleared'] as const).map((event) => (
          <button key={event} type="button" data-testid={`attendance-${event}`} disabled={busy} onClick={() => void act(async () => {
            await post(`${alertPath}/attendance`, { event, ...(attender.trim() ? { by: attender.trim() } : {}) })
            return `${attender.trim() || 'You'}: ${event}.`
          })}>
            {event === 'arrived' ? 'Arrived' : 'Cleared'}
          </button>
        ))}
      </form>
      <form class="inline-form" data-testid="transfer-form" onSubmit={submit(async () => {
        if (transfer.to === '') throw new Error('Choose whom to hand the incident to.')
        const moved = await post<Incident>(`${personPath}/transfer`, { toUserId: transfer.to, ...(transfer.note.trim() ? { note: transfer.note.trim() } : {}) })
        onChanged(moved)
        const text = `Handed to ${moved.heldBy?.displayName ?? 'a colleague'}.`
        onLeft(text)
        return text
      })}>
        <label for="desk-transfer">Hand to</label>
        <select id="desk-transfer" data-testid="transfer-to" value={transfer.to} onChange={(e) => setTransfer({ ...transfer, to: e.currentTarget.value })}>
          <option value="">Choose…</option>
          {(colleagues.data?.colleagues ?? []).map((c) => (
            <option key={c.userId} value={c.userId}>{c.displayName}{c.supervisor ? ' (supervisor)' : ''}</option>
          ))}
        </select>
        <input aria-label="Why (optional)" placeholder="why (optional)" maxLength={1000} value={transfer.note} onInput={(e) => setTransfer({ ...transfer, note: e.currentTarget.value })} />
        <button type="submit" disabled={busy}>Hand over</button>
        <button type="button" disabled={busy} onClick={() => void act(async () => {
          onChanged(await post<Incident>(`${personPath}/release`, {}))
          onLeft('Back in the queue.')
          return 'Back in the queue.'
        })}>Put back in the queue</button>
      </form>
      <form class="inline-form" data-testid="resolve-form" onSubmit={submit(async () => {
        if (close.outcome === '') throw new Error('Choose the outcome first.')
        const text = close.note.trim()
        // Every alert is tried: one closed meanwhile by someone else does not stop the others.
        const failed: string[] = []
        for (const alert of incident.alerts) {
          try {
            await post(`/api/alerts/${encodeURIComponent(alert.id)}/resolve`, { outcome: close.outcome, ...(text ? { note: text } : {}) })
          } catch (caught) {
            if (!(caught instanceof ApiError && caught.code === 'conflict')) failed.push(`${alert.summary ?? kindText(alert.kind)}: ${messageOf(caught)}`)
          }
        }
        if (failed.length > 0) throw new Error(`${incident.alerts.length - failed.length} of ${incident.alerts.length} alerts closed; not closed: ${failed.join('; ')}`)
        const done = `Resolved: ${incident.alerts.length === 1 ? 'its alert' : `its ${incident.alerts.length} alerts`} closed.`
        onLeft(done)
        return done
      })}>
        <label for="desk-outcome">Outcome</label>
        <select id="desk-outcome" data-testid="desk-outcome" required value={close.outcome} onChange={(e) => setClose({ ...close, outcome: e.currentTarget.value as Outcome | '' })}>
          <option value="">Choose…</option>
          {OUTCOMES.map((o) => <option key={o} value={o}>{OUTCOME_LABELS[o]}</option>)}
        </select>
        <label for="desk-closing">Closing note</label>
        <input id="desk-closing" data-testid="desk-closing-note" maxLength={4096} value={close.note} onInput={(e) => setClose({ ...close, note: e.currentTarget.value })} />
        <button type="submit" class="primary" data-testid="desk-resolve" disabled={busy}>Resolve the incident</button>
      </form>
      <p class={result.error ? 'error' : 'action-result'} role="status" data-testid="desk-result">{result.text}</p>
    </section>
  )
}
