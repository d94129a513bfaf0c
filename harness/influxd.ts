import { spawn, type ChildProcess } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { removeDir, tempDir } from './test-platform.js'

/** A free loopback port, found by binding port 0. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

export interface Influxd {
  url: string
  /** Stops the server, keeping its data (SIGKILL: killed at once, left to recover from its write-ahead log). */
  stop(signal?: NodeJS.Signals): Promise<void>
  /** Starts it again on the same port and data. */
  start(): Promise<void>
  /** Stops it and removes its data. */
  destroy(): Promise<void>
}

/**
 * Debian's influxd on loopback ports with a throwaway data folder, reporting and the _internal
 * monitor off, nothing listening beyond 127.0.0.1.
 */
export async function startInfluxd(): Promise<Influxd> {
  const dir = tempDir('hearth-influxd-')
  const [httpPort, rpcPort] = [await freePort(), await freePort()]
  const configPath = join(dir, 'influxdb.conf')
  writeFileSync(
    configPath,
    `reporting-disabled = true
bind-address = "127.0.0.1:${rpcPort}"
[meta]
  dir = "${join(dir, 'meta')}"
  logging-enabled = false
[data]
  dir = "${join(dir, 'data')}"
  wal-dir = "${join(dir, 'wal')}"
  query-log-enabled = false
[monitor]
  store-enabled = false
[http]
  bind-address = "127.0.0.1:${httpPort}"
  log-enabled = false
[logging]
  level = "error"
  suppress-logo = true
`,
  )
  const url = `http://127.0.0.1:${httpPort}`
  let child: ChildProcess | undefined
  let output = ''

  const start = async (): Promise<void> => {
    child = spawn('influxd', ['-config', configPath], { stdio: ['ignore', 'pipe', 'pipe'] })
    child.stdout?.on('data', (c: Buffer) => (output += c.toString()))
    child.stderr?.on('data', (c: Buffer) => (output += c.toString()))
    const exited = new Promise<never>((_, reject) =>
      child?.once('exit', (code) => reject(new Error(`influxd exited (${String(code)}):\n${output}`))),
    )
    const deadline = Date.now() + 20_000
    for (;;) {
      const up = await Promise.race([fetch(`${url}/ping`).then((r) => r.status === 204, () => false), exited])
      if (up) return
      if (Date.now() > deadline) throw new Error(`influxd did not answer /ping:\n${output}`)
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }

  const stop = (signal: NodeJS.Signals = 'SIGTERM'): Promise<void> =>
    new Promise((resolve) => {
      const running = child
      child = undefined
      if (!running || running.exitCode !== null) return resolve()
      running.removeAllListeners('exit')
      running.once('exit', () => resolve())
      running.kill(signal)
    })

  await start()
  return {
    url,
    stop,
    start,
    async destroy() {
      await stop()
      removeDir(dir)
    },
  }
}
