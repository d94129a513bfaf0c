/**
 * How many password checks (scrypt, tens of milliseconds and 32 MiB each) run at once. scrypt
 * runs on libuv's thread pool (4 threads), which the readings log's writes and fsyncs use too: 2
 * at once leave it half free. A few wait their turn; each address has at most a few running or
 * waiting, so that a flood of sign-ins from one address is refused at once rather than queued in
 * front of everyone else's.
 */
export interface PasswordCheckLimits {
  running: number
  waiting: number
  perAddress: number
}

const PASSWORD_CHECK_LIMITS: PasswordCheckLimits = { running: 2, waiting: 8, perAddress: 3 }

/** A turn to check a password (`admitted` resolves when it starts; `leave` once it has, when the check is over), or why there is none now. */
export type Admission = { admitted: Promise<void>; leave: () => void } | { refused: 'this-address' | 'everyone' }

/** A cap on concurrent password checks, first come first served, with per-address fairness. */
export class PasswordChecks {
  private running = 0
  private readonly waiting: Array<() => void> = []
  private readonly byAddress = new Map<string, number>()

  constructor(private readonly limits: PasswordCheckLimits = PASSWORD_CHECK_LIMITS) {}

  /** A turn for a check from `address`, or a refusal at once: never an unbounded wait. */
  admit(address: string): Admission {
    const mine = this.byAddress.get(address) ?? 0
    if (mine >= this.limits.perAddress) return { refused: 'this-address' }
    const free = this.running < this.limits.running
    if (!free && this.waiting.length >= this.limits.waiting) return { refused: 'everyone' }
    this.byAddress.set(address, mine + 1)
    let admitted: Promise<void>
    if (free) {
      this.running++
      admitted = Promise.resolve()
    } else {
      admitted = new Promise<void>((resolve) => this.waiting.push(resolve))
    }
    let left = false
    const leave = (): void => {
      if (left) return
      left = true
      const count = (this.byAddress.get(address) ?? 1) - 1
      if (count > 0) this.byAddress.set(address, count)
      else this.byAddress.delete(address)
      // The turn passes straight to the next waiting, so that `running` never dips to let a newcomer past them.
      const next = this.waiting.shift()
      if (next) next()
      else this.running--
    }
    return { admitted, leave }
  }
}
