import { describe, expect, it } from 'vitest'
import { createSlicedQueue } from '../../../alerting/sliced-queue.js'

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

/** Spins for `ms`: the work of judging one item. */
const busy = (ms: number): void => {
  const until = performance.now() + ms
  while (performance.now() < until);
}

describe('sliced queue', () => {
  it('handles every item in order, in chunks, after the caller returns', async () => {
    const handled: number[][] = []
    const queue = createSlicedQueue<number>({ sliceMs: 1000, chunk: 3, maxQueued: 100, handle: (items) => handled.push([...items]), onDrop: () => undefined })
    queue.push([1, 2, 3, 4])
    queue.push([5])
    expect(handled).toEqual([])
    await nextTurn()
    expect(handled).toEqual([[1, 2, 3], [4, 5]])
    expect(queue.size()).toBe(0)
  })

  it('yields to the event loop once a slice is spent, so other work runs between slices', async () => {
    const log: string[] = []
    const queue = createSlicedQueue<number>({
      sliceMs: 5,
      chunk: 1,
      maxQueued: 100,
      handle: (items) => {
        busy(2)
        log.push(`item ${items[0]}`)
      },
      onDrop: () => undefined,
    })
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

  it('drops the oldest beyond its bound and says how many', async () => {
    const handled: number[] = []
    const dropped: number[] = []
    const queue = createSlicedQueue<number>({ sliceMs: 1000, chunk: 10, maxQueued: 5, handle: (items) => handled.push(...items), onDrop: (n) => dropped.push(n) })
    queue.push([1, 2, 3, 4])
    queue.push([5, 6, 7, 8])
    expect(dropped).toEqual([3])
    expect(queue.size()).toBe(5)
    await nextTurn()
    expect(handled).toEqual([4, 5, 6, 7, 8])
  })

  it('handles nothing more once cleared', async () => {
    const handled: number[] = []
    const queue = createSlicedQueue<number>({ sliceMs: 1000, chunk: 10, maxQueued: 100, handle: (items) => handled.push(...items), onDrop: () => undefined })
    queue.push([1, 2])
    queue.clear()
    await nextTurn()
    expect(handled).toEqual([])
    queue.push([3])
    await nextTurn()
    expect(handled).toEqual([3])
  })
})
