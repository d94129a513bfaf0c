import { useEffect, useState } from 'preact/hooks'
import type { Incident } from '../../../../contract/incidents.js'
import type { SessionUser } from '../access.js'
import { announce } from '../announcer.js'
import { api, messageOf } from '../api.js'
import { IncidentDesk } from '../console/incident-desk.js'
import { IncidentRow, speakingName } from '../console/incident-row.js'
import { useIncidents } from '../console/use-incidents.js'
import { useDocumentTitle } from '../document-title.js'
import { useLiveQueueContext } from '../live-queue.js'

/**
 * The call-handling console: one incident per person, emergencies first; a responder answers one
 * (or takes the next), and works it on the desk beside the list: who the person is, the script,
 * the response plan, callbacks, attendance, hand-over and outcome, all in one incident log.
 */
export function ConsolePage({ user }: { user: SessionUser }) {
  const incidents = useIncidents()
  const live = useLiveQueueContext()
  const [selected, setSelected] = useState<string | undefined>()
  const [busy, setBusy] = useState(false)
  const [message, setMessage] = useState('')
  const supervisor = user.roles.includes('supervisor')
  const waiting = incidents.list.filter((i) => i.heldBy === null && i.alerts.some((a) => a.status === 'raised')).length
  useDocumentTitle(`Console (${incidents.list.length})`)

  // The desk shows the incident the user holds; one handed on or closed leaves it.
  const open = selected === undefined ? undefined : incidents.get(selected)
  useEffect(() => {
    if (selected !== undefined && incidents.loaded && open === undefined) setSelected(undefined)
  }, [selected, open, incidents.loaded])

  const held = (incident: Incident, what: string) => {
    incidents.apply(incident)
    setSelected(incident.personId)
    const text = `${speakingName(incident.person).first}: ${what}`
    setMessage(text)
    announce(text)
  }
  const run = async (work: () => Promise<void>) => {
    setBusy(true)
    setMessage('')
    try {
      await work()
    } catch (error) {
      setMessage(messageOf(error))
      announce(messageOf(error), true)
    } finally {
      setBusy(false)
    }
  }
  const take = (personId: string, force: boolean) =>
    run(async () => held(await api<Incident>(`/api/incidents/${encodeURIComponent(personId)}/take`, { method: 'POST', body: force ? { force: true } : {} }), 'answered by you.'))
  const takeNext = () =>
    run(async () => {
      const next = await api<Incident | null>('/api/incidents/take-next', { method: 'POST' })
      if (next && 'personId' in next) held(next, 'answered by you, the next in the queue.')
      else setMessage('Nothing is waiting that you may answer.')
    })

  return (
    <section data-testid="console" class="console" aria-labelledby="console-title" data-stale={String(!live.fresh)}>
      <div class="page-head">
        <h1 id="console-title" tabIndex={-1}>
          Console <span class="count">({incidents.list.length})</span>
        </h1>
        <p class="summary" data-testid="console-summary">
          {waiting} waiting for a responder · {incidents.list.length - waiting} held or taken
        </p>
        <button type="button" class="primary" data-testid="take-next" disabled={busy} onClick={() => void takeNext()}>
          Take next
        </button>
        <p class="action-result" role="status" data-testid="console-message">
          {message}
        </p>
      </div>
      {incidents.error && <p class="notice">{incidents.error}</p>}
      <div class="console-grid">
        <div class="console-list">
          {incidents.loaded && incidents.list.length === 0 && <p class="empty">No open incidents.</p>}
          <ol class="incidents" aria-label="Open incidents">
            {incidents.list.map((incident) => (
              <IncidentRow
                key={incident.personId}
                incident={incident}
                userId={user.id}
                supervisor={supervisor}
                selected={incident.personId === selected}
                busy={busy}
                onTake={(force) => void take(incident.personId, force)}
                onOpen={() => setSelected(incident.personId)}
              />
            ))}
          </ol>
        </div>
        <div class="console-desk">
          {open && open.heldBy?.userId === user.id ? (
            <IncidentDesk
              key={open.personId}
              incident={open}
              onChanged={incidents.apply}
              onLeft={(text) => {
                setSelected(undefined)
                setMessage(text)
              }}
            />
          ) : (
            <p class="muted desk-empty">Answer an incident, or take the next one, to work it here.</p>
          )}
        </div>
      </div>
    </section>
  )
}
