import { useCallback, useEffect, useRef, useState } from 'preact/hooks'
import { api, isAborted } from './api.js'

export interface ApiData<T> {
  data: T | undefined
  error: unknown
  /** When the data on screen was fetched. */
  fetchedAt: number | undefined
  reload: () => void
}

/** GETs `path` (null: nothing yet), again every `refreshMs` if given; keeps the last good answer on a failed refresh. */
export function useApiData<T>(path: string | null, refreshMs?: number): ApiData<T> {
  const [data, setData] = useState<T>()
  const [error, setError] = useState<unknown>()
  const [fetchedAt, setFetchedAt] = useState<number>()
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
        setData(answer)
        setError(undefined)
        setFetchedAt(Date.now())
      } catch (caught) {
        if (!stopped && !isAborted(caught)) setError(caught)
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
  return { data, error, fetchedAt, reload }
}
