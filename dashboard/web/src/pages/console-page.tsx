import { useEffect, useRef, useState } from 'preact/hooks'
import type { Incident } from '../../../../contract/incidents.js'
import type { SessionUser } from '../access.js'
import { announce } from '../announcer.js'
import { api, messageOf } from '../api.js'
import { IncidentDesk } from '../console/incident-desk.js'
import { IncidentRow, speakingName } from '../console/incident-row.js'
import { useIncidents } from '../console/use-incidents.js'
import { useDocumentTitle } from '../document-title.js'
import { useLiveQueueContext } from '../live-queue.js'

/** Focuses an element once the page has re-rendered after an action. */
function focusSoon(elementId: string): void {
  window.setTimeout(() => document.getElementById(elementId)?.focus(), 0)
}

/**
 * The call-handling console: one incident per person, emergencies first; a responder answers one
 * (or takes the next), and works it on the desk beside the list: who the person is, the script,
 * the response plan, callbacks, attendance, hand-over and outcome, all in one incident log.
 */
export function ConsolePage({ user }: { user: SessionUser }) {
  const incidents = useIncidents()
  const live = useLiveQueueContext()
  const [selected, setSelectedState] = useState<string | undefined>()
  /** The incident on the desk as of the latest action, ahead of the render: an effect of an earlier render must not undo it. */
  const selectedNow = useRef<string | undefined>()
  const setSelected = (personId: string | undefined) => {
    selectedNow.current = personId
    setSelectedState(personId)
  }
  const [busy, setBusy] = useState(false)
  const [message, setMessage] = useState('')
  const supervisor = user.roles.includes('supervisor')
  const waiting = incidents.list.filter((i) => i.heldBy === null && i.alerts.some((a) => a.status === 'raised')).length
  useDocumentTitle(`Console (${incidents.list.length})`)

  // The desk shows the incident the user holds. One taken over, handed on, put back or closed by
  // someone else leaves it, and the responder is told at once what became of it.
  const open = selected === undefined ? undefined : incidents.get(selected)
  const lastHeld = useRef<Incident>()
  useEffect(() => {
    if (selected === undefined || selected !== selectedNow.current || !incidents.loaded) return
    if (open?.heldBy?.userId === user.id) {
      lastHeld.current = open
      return
    }
    const name = speakingName((open ?? lastHeld.current)?.person ?? { name: 'The incident', preferredName: null, communicationNeeds: [] }).first
    const text = open === undefined ? `${name}: closed.` : open.heldBy ? `${name}: now held by ${open.heldBy.displayName}.` : `${name}: back in the queue.`
    setSelected(undefined)
    setMessage(text)
    announce(text, true)
    focusSoon('console-title')
  }, [selected, open, incidents.loaded, user.id])

  const held = (incident: Incident, what: string) => {
    incidents.apply(incident)
    lastHeld.current = incident
    setSelected(incident.personId)
    setMessage(`${speakingName(incident.person).first}: ${what}`)
    focusSoon('desk-person')
  }
  const run = async (work: () => Promise<void>) => {
    setBusy(true)
    setMessage('')
    try {
      await work()
    } catch (error) {
      // Read out at once: the polite status below would wait its turn.
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
                focusSoon('console-title')
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
