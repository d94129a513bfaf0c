import { fork, type ChildProcess } from 'node:child_process'
import { setPriority } from 'node:os'
import { fileURLToPath } from 'node:url'

/** What a bench child offers its parent: one method per request, each taking one argument. */
export type ChildApi = Record<string, (params: never) => unknown>

interface Request {
  id: number
  method: string
  params: unknown
}

interface Reply {
  id: number
  result?: unknown
  error?: string
}

export interface ChildOptions {
  /** Lower scheduling priority (nice) for load generators, so the system under test and the probe win contention. */
  nice?: number
  env?: Record<string, string>
  /** Extra Node flags, such as --expose-gc. */
  execArgv?: string[]
  /** The module is plain JavaScript, run by Node alone: no TypeScript loader in its memory. */
  plain?: boolean
}

/**
 * A bench child process (TypeScript through tsx, or plain JavaScript) answering typed requests over IPC. Every call
 * has a time limit, and `kill` ends the child by its own pid.
 */
export class Child<A extends ChildApi> {
  private nextId = 1
  private readonly waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>()
  private exited = false

  private constructor(
    readonly name: string,
    private readonly process: ChildProcess,
  ) {
    process.on('message', (message: Reply) => {
      const waiter = this.waiting.get(message.id)
      this.waiting.delete(message.id)
      if (message.error !== undefined) waiter?.reject(new Error(`${name}: ${message.error}`))
      else waiter?.resolve(message.result)
    })
    process.on('exit', (code, signal) => {
      this.exited = true
      for (const waiter of this.waiting.values()) waiter.reject(new Error(`${name} exited (${code ?? signal ?? '?'})`))
      this.waiting.clear()
    })
  }

  static start<A extends ChildApi>(name: string, moduleUrl: string, options: ChildOptions = {}): Child<A> {
    const child = fork(fileURLToPath(moduleUrl), [], {
      execArgv: [...(options.plain ? [] : ['--import', 'tsx']), ...(options.execArgv ?? [])],
      env: { ...process.env, ...options.env },
      // The child's output goes to stderr: stdout carries only the bench's table.
      stdio: ['ignore', 2, 2, 'ipc'],
    })
    if (options.nice !== undefined && child.pid !== undefined) setPriority(child.pid, options.nice)
    return new Child<A>(name, child)
  }

  get pid(): number {
    return this.process.pid ?? -1
  }

  /** False once the child has exited (finished, killed or crashed). */
  get alive(): boolean {
    return !this.exited
  }

  call<K extends keyof A & string>(method: K, params: Parameters<A[K]>[0], timeoutMs = 60_000): Promise<Awaited<ReturnType<A[K]>>> {
    if (this.exited) return Promise.reject(new Error(`${this.name} has exited`))
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id)
        reject(new Error(`${this.name}: ${method} took over ${timeoutMs} ms`))
      }, timeoutMs)
      this.waiting.set(id, {
        resolve: (value) => {
          clearTimeout(timer)
          resolve(value as Awaited<ReturnType<A[K]>>)
        },
        reject: (error) => {
          clearTimeout(timer)
          reject(error)
        },
      })
      this.process.send({ id, method, params } satisfies Request)
    })
  }

  /** Asks the child to close (its `close` method), then kills it if it has not gone within `graceMs`. */
  async stop(graceMs = 15_000): Promise<void> {
    if (this.exited) return
    const gone = new Promise<void>((resolve) => this.process.once('exit', () => resolve()))
    try {
      await this.call('close', undefined as never, graceMs)
    } catch {
      // Killed below: a child that cannot close cleanly must still not outlive the bench.
    }
    if (this.process.connected) this.process.disconnect()
    const timer = setTimeout(() => this.kill(), graceMs)
    await gone
    clearTimeout(timer)
  }

  kill(): void {
    if (!this.exited) this.process.kill('SIGKILL')
  }
}

/** The child's side: answers the parent's requests with `api`, and exits when the parent goes. */
export function serveParent(api: ChildApi): void {
  const send = (reply: Reply): void => void process.send?.(reply)
  process.on('message', (message: Request) => {
    const handler = api[message.method] as ((params: unknown) => unknown) | undefined
    if (!handler) return send({ id: message.id, error: `no method ${message.method}` })
    Promise.resolve()
      .then(() => handler(message.params))
      .then(
        (result) => send({ id: message.id, result }),
        (error: unknown) => send({ id: message.id, error: error instanceof Error ? error.message : String(error) }),
      )
  })
  process.on('disconnect', () => process.exit(0))
}
