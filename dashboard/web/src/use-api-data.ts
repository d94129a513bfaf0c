import { useCallback, useEffect, useRef, useState } from 'preact/hooks'
import { api, isAborted } from './api.js'

export interface ApiData<T> {
  data: T | undefined
  error: unknown
  /** When the data on screen was fetched. */
  fetchedAt: number | undefined
  reload: () => void
}

interface Held<T> {
  /** The address these answered: nothing of another address is ever shown. */
  path: string
  data?: T
  error?: unknown
  fetchedAt?: number
}

/**
 * GETs `path` (null: nothing yet), again every `refreshMs` if given; keeps the last good answer on a
 * failed refresh, but never an answer for another address (24 hours of data labelled 7 days).
 */
export function useApiData<T>(path: string | null, refreshMs?: number): ApiData<T> {
  const [held, setHeld] = useState<Held<T>>()
  const [generation, setGeneration] = useState(0)
  const controller = useRef<AbortController>()

  useEffect(() => {
    if (path === null) return undefined
    let timer: number | undefined
    let stopped = false
    const load = async () => {
      controller.current?.abort()
      const current = new AbortController()
      controller.current = current
      try {
        const answer = await api<T>(path, { signal: current.signal })
        if (stopped) return
        setHeld({ path, data: answer, fetchedAt: Date.now() })
      } catch (caught) {
        if (!stopped && !isAborted(caught)) setHeld((old) => (old?.path === path ? { ...old, error: caught } : { path, error: caught }))
      }
      if (!stopped && refreshMs !== undefined) timer = window.setTimeout(() => void load(), refreshMs)
    }
    void load()
    return () => {
      stopped = true
      window.clearTimeout(timer)
      controller.current?.abort()
    }
  }, [path, refreshMs, generation])

  const reload = useCallback(() => setGeneration((g) => g + 1), [])
  const own = held !== undefined && held.path === path ? held : undefined
  return { data: own?.data, error: own?.error, fetchedAt: own?.fetchedAt, reload }
}

/** Calls `reload` whenever `key` changes, not on mount (the first fetch is the mount's own). */
export function useReloadOn(key: string | number, reload: () => void): void {
  const seen = useRef(key)
  useEffect(() => {
    if (seen.current === key) return
    seen.current = key
    reload()
  }, [key, reload])
}
