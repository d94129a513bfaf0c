import { performance } from 'node:perf_hooks'

export interface SlicedQueueOptions<T> {
  /** How long one turn of the event loop may spend on the queue before it yields. */
  sliceMs: number
  /** Items handed to `handle` at a time (the time is checked between calls). */
  chunk: number
  /** Beyond this many waiting, the oldest are dropped (and passed to `onDrop`) rather than memory growing without end. */
  maxQueued: number
  handle(items: readonly T[]): void
  onDrop(count: number): void
}

export interface SlicedQueue<T> {
  push(items: readonly T[]): void
  /** Items waiting now. */
  size(): number
  /** Drops what is waiting and stops. */
  clear(): void
}

/**
 * Work done a few milliseconds per turn of the event loop, in order: a burst of telemetry is
 * judged between the socket reads that carry alarms instead of holding them up in one piece.
 */
export function createSlicedQueue<T>(options: SlicedQueueOptions<T>): SlicedQueue<T> {
  let items: T[] = []
  let head = 0
  let scheduled: NodeJS.Immediate | undefined

  const drain = (): void => {
    scheduled = undefined
    const until = performance.now() + options.sliceMs
    while (head < items.length) {
      const end = Math.min(items.length, head + options.chunk)
      const chunk = items.slice(head, end)
      head = end
      options.handle(chunk)
      if (performance.now() >= until) break
    }
    if (head < items.length) scheduled = setImmediate(drain)
    else {
      items = []
      head = 0
    }
  }

  return {
    push(more) {
      for (const item of more) items.push(item)
      const waiting = items.length - head
      if (waiting > options.maxQueued) {
        const dropped = waiting - options.maxQueued
        head += dropped
        options.onDrop(dropped)
      }
      // Compact now and then, so the array does not keep what was handled.
      if (head > 65_536 && head * 2 > items.length) {
        items = items.slice(head)
        head = 0
      }
      scheduled ??= setImmediate(drain)
    },
    size: () => items.length - head,
    clear() {
      if (scheduled) clearImmediate(scheduled)
      scheduled = undefined
      items = []
      head = 0
    },
  }
}
