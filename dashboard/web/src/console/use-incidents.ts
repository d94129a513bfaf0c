import { useCallback, useEffect, useRef, useState } from 'preact/hooks'
import { compareIncidents } from '../../../../contract/alert-values.js'
import type { Incident } from '../../../../contract/incidents.js'
import { api, isAborted, messageOf } from '../api.js'
import { useLiveEvent } from '../live-hub.js'

export interface Incidents {
  /** Open incidents, emergencies first, then the one waiting longest. */
  list: Incident[]
  loaded: boolean
  error: string
  get: (personId: string) => Incident | undefined
  /** An incident as an action answered it: shown at once, before its live event arrives. */
  apply: (incident: Incident) => void
}

/**
 * The console's incidents: GET /api/incidents, then every live `incident` event (a take, a
 * transfer, a release, an alert joining or leaving), fetched again after every reconnection. An
 * incident with no open alerts left leaves the list.
 */
export function useIncidents(): Incidents {
  const [byPerson, setByPerson] = useState<ReadonlyMap<string, Incident>>(new Map())
  const [loaded, setLoaded] = useState(false)
  const [error, setError] = useState('')
  const [generation, setGeneration] = useState(0)
  /** Events that arrive while the list is being fetched: applied over its answer, being newer. */
  const pending = useRef<Incident[] | undefined>()

  const apply = useCallback((incident: Incident) => {
    if (pending.current) pending.current.push(incident)
    setByPerson((old) => {
      const next = new Map(old)
      if (incident.alerts.length === 0) next.delete(incident.personId)
      else next.set(incident.personId, incident)
      return next
    })
  }, [])

  useEffect(() => {
    const controller = new AbortController()
    pending.current = []
    api<{ incidents: Incident[] }>('/api/incidents', { signal: controller.signal }).then(
      ({ incidents }) => {
        const next = new Map(incidents.map((i) => [i.personId, i]))
        for (const later of pending.current ?? []) {
          if (later.alerts.length === 0) next.delete(later.personId)
          else next.set(later.personId, later)
        }
        pending.current = undefined
        setByPerson(next)
        setLoaded(true)
        setError('')
      },
      (caught: unknown) => {
        // Aborted: a newer load is under way, and the events held back are its own.
        if (isAborted(caught)) return
        pending.current = undefined
        setError(`Could not load the incidents: ${messageOf(caught)}`)
      },
    )
    return () => controller.abort()
  }, [generation])

  useLiveEvent('incident', apply)
  // Fetched again on every (re)connection: the first one may come after the first fetch, and events between were never heard.
  useLiveEvent('ready', () => setGeneration((g) => g + 1))

  const list = [...byPerson.values()].sort(compareIncidents)
  return { list, loaded, error, get: (personId) => byPerson.get(personId), apply }
}
