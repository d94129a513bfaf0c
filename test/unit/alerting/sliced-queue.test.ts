import { describe, expect, it } from 'vitest'
import { createSlicedQueue, type SlicedQueueOptions } from '../../../alerting/sliced-queue.js'

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

/** Spins for `ms`: the work of judging one item. */
const busy = (ms: number): void => {
  const until = performance.now() + ms
  while (performance.now() < until);
}

const options = (overrides: Partial<SlicedQueueOptions<number>>): SlicedQueueOptions<number> => ({
  sliceMs: 1000,
  chunk: 10,
  maxQueued: 100,
  droppable: () => true,
  handle: () => undefined,
  onDrop: () => undefined,
  onError: () => undefined,
  ...overrides,
})

describe('sliced queue', () => {
  it('handles every item in order, in chunks, after the caller returns', async () => {
    const handled: number[][] = []
    const queue = createSlicedQueue(options({ chunk: 3, handle: (items) => handled.push([...items]) }))
    queue.push([1, 2, 3, 4])
    queue.push([5])
    expect(handled).toEqual([])
    await nextTurn()
    expect(handled).toEqual([[1, 2, 3], [4, 5]])
    expect(queue.size()).toBe(0)
  })

  it('yields to the event loop once a slice is spent, so other work runs between slices', async () => {
    const log: string[] = []
    const queue = createSlicedQueue(
      options({
        sliceMs: 5,
        chunk: 1,
        handle: (items) => {
          busy(2)
          log.push(`item ${items[0]}`)
        },
      }),
    )
    queue.push(Array.from({ length: 12 }, (_, i) => i))
    // An alarm arriving on a socket: I/O and timers get their turn between slices.
    await new Promise<void>((resolve) =>
      setTimeout(() => {
        log.push('timer')
        resolve()
      }, 0),
    )
    while (queue.size() > 0) await nextTurn()
    // Items take 2 ms each and a slice 5 ms: the timer waited for one slice at most, not for all twelve.
    expect(log.indexOf('timer')).toBeLessThanOrEqual(3)
    expect(log.filter((l) => l.startsWith('item'))).toEqual(Array.from({ length: 12 }, (_, i) => `item ${i}`))
  })

  it('beyond its bound drops the oldest droppable items, keeps the others, and says how many', async () => {
    const handled: number[] = []
    const dropped: number[] = []
    // Odd numbers stand for status messages: never dropped.
    const queue = createSlicedQueue(
      options({ maxQueued: 10, droppable: (n) => n % 2 === 0, handle: (items) => handled.push(...items), onDrop: (n) => dropped.push(n) }),
    )
    queue.push([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    expect(dropped).toEqual([])
    queue.push([10, 11])
    // 12 waiting against a bound of 10: down to 9, the three oldest even ones dropped.
    expect(dropped).toEqual([3])
    expect(queue.size()).toBe(9)
    await nextTurn()
    expect(handled).toEqual([1, 3, 5, 6, 7, 8, 9, 10, 11])
  })

  it('goes on with the next chunk when one fails', async () => {
    const handled: number[] = []
    const errors: unknown[] = []
    const queue = createSlicedQueue(
      options({
        chunk: 2,
        handle: (items) => {
          if (items.includes(3)) throw new Error('rule failed')
          handled.push(...items)
        },
        onError: (error) => errors.push(error),
      }),
    )
    queue.push([1, 2, 3, 4, 5, 6])
    await nextTurn()
    expect(handled).toEqual([1, 2, 5, 6])
    expect(errors).toEqual([new Error('rule failed')])
  })

  it('handles nothing more of what was waiting once cleared', async () => {
    const handled: number[] = []
    const queue = createSlicedQueue(options({ handle: (items) => handled.push(...items) }))
    queue.push([1, 2])
    queue.clear()
    await nextTurn()
    expect(handled).toEqual([])
    queue.push([3])
    await nextTurn()
    expect(handled).toEqual([3])
  })
})
