import { performance } from 'node:perf_hooks'

export interface SlicedQueueOptions<T> {
  /** How long one turn of the event loop may spend on the queue before it yields. */
  sliceMs: number
  /** Items handed to `handle` at a time (the time is checked between calls). */
  chunk: number
  /**
   * Beyond this many waiting, the oldest droppable items are dropped (down to nine tenths of it,
   * so that this happens now and then rather than on every push) and counted with `onDrop`,
   * rather than memory growing without end.
   */
  maxQueued: number
  /** Items that may be dropped when the queue is over its bound; the others are always kept. */
  droppable(item: T): boolean
  handle(items: readonly T[]): void
  onDrop(count: number): void
  /** A `handle` that threw: its chunk is not retried, and the queue goes on with the next. */
  onError(error: unknown): void
}

export interface SlicedQueue<T> {
  push(items: readonly T[]): void
  /** Items waiting now. */
  size(): number
  /** Drops what is waiting; what is pushed after is handled again. */
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
      try {
        options.handle(chunk)
      } catch (error) {
        options.onError(error)
      }
      if (performance.now() >= until) break
    }
    if (head < items.length) scheduled ??= setImmediate(drain)
    else {
      items = []
      head = 0
    }
  }

  /** Drops the oldest droppable items until nine tenths of the bound are left. */
  const shed = (): void => {
    let excess = items.length - head - Math.floor(options.maxQueued * 0.9)
    const kept: T[] = []
    let dropped = 0
    for (let i = head; i < items.length; i++) {
      const item = items[i] as T
      if (excess > 0 && options.droppable(item)) {
        excess--
        dropped++
      } else kept.push(item)
    }
    items = kept
    head = 0
    if (dropped > 0) options.onDrop(dropped)
  }

  return {
    push(more) {
      for (const item of more) items.push(item)
      if (items.length - head > options.maxQueued) shed()
      // Compact now and then, so the array does not keep what was handled.
      else if (head > 65_536 && head * 2 > items.length) {
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
