/**
 * What must be undone if the run is interrupted (Ctrl-C) in the middle of a scenario: a platform
 * paused with SIGSTOP, a tmpfs mounted. Each is registered while it is in place and run, in reverse,
 * only on an interrupt; a scenario that ends normally undoes its own.
 */
const undo = new Set<() => void>()

/** Registers `fn` to run on an interrupt; call the returned function once it is no longer needed. */
export function atInterrupt(fn: () => void): () => void {
  undo.add(fn)
  return () => undo.delete(fn)
}

export function undoAll(): void {
  for (const fn of [...undo].reverse()) {
    try {
      fn()
    } catch {
      // best effort: the rest still runs
    }
  }
  undo.clear()
}
