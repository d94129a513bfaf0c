import type { Client } from 'aedes'
import type { Clock } from '../contract/index.js'

/** How often connections are checked against the end of their secret's grace. */
export const DEADLINE_SWEEP_MS = 1000

/**
 * Connections made with a device secret that a rotation replaced (PROTOCOL §2b extension): each
 * ends when its secret stops working. Kept in memory only, which holds across restarts: after one
 * every connection is new, and one made with a replaced secret gets its deadline again as it
 * authenticates (`madeWithReplaced`). Time is the broker's clock, so that a test can move it.
 */
export function createConnectionDeadlines(clock: Clock, end: (client: Client, why: string) => void) {
  const deadlines = new Map<Client, number>()

  const endNow = (client: Client, why: string): void => {
    deadlines.delete(client)
    if (!client.closed) end(client, why)
  }

  return {
    /** The client authenticated with a replaced secret, whose grace ends at `untilMs`. */
    madeWithReplaced(client: Client, untilMs: number): void {
      deadlines.set(client, Math.min(deadlines.get(client) ?? Infinity, untilMs))
    },

    /**
     * The device's secret was replaced, the one it had working until `untilMs`: its connection
     * (made with that secret) ends then, or now when that is not later than now, or when the
     * connection was made with a secret already replaced before, which works no more.
     */
    secretReplaced(client: Client, untilMs: number): void {
      if (deadlines.has(client)) return endNow(client, 'made with a secret replaced twice')
      if (untilMs <= clock.now()) return endNow(client, 'its secret was replaced')
      deadlines.set(client, untilMs)
    },

    /** Ends every connection whose secret has stopped working, and forgets those that closed. */
    sweep(): void {
      const nowMs = clock.now()
      for (const [client, untilMs] of deadlines) {
        if (client.closed) deadlines.delete(client)
        else if (untilMs <= nowMs) endNow(client, "its secret's grace has ended")
      }
    },
  }
}

export type ConnectionDeadlines = ReturnType<typeof createConnectionDeadlines>
