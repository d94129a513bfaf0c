import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { chmodSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer, connect } from 'node:net'
import { join } from 'node:path'
import { removeDir, tempDir } from '../harness/test-platform.js'
import { sleep } from './figures.js'
import type { Credentials } from './provision-fleet.js'

/** Debian's mosquitto on a free loopback port, with the same identities and topic rights as Hearth gives devices. */
export interface Mosquitto {
  port: number
  pid: number
  version: string
  /** The settings it runs with, as written to its config file. */
  settings: string[]
  /** Resident memory and CPU time (user + system, microseconds) from /proc. */
  stats(): { rssBytes: number; cpuMicros: number }
  /** False once the mosquitto process has exited. */
  readonly alive: boolean
  stop(): Promise<void>
}

/** A service's MQTT identity and the topic filters it may subscribe to (the broker-only subscriber reads readings). */
export interface MosquittoService {
  username: string
  password: string
  read?: readonly string[]
}

const CLOCK_TICKS_PER_SECOND = 100

export function mosquittoVersion(): string | undefined {
  const result = spawnSync('mosquitto', ['-h'], { encoding: 'utf8' })
  if (result.error) return undefined
  return /mosquitto version (\S+)/.exec(`${result.stdout}${result.stderr}`)?.[1] ?? 'unknown'
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  const address = server.address()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  if (!address || typeof address === 'string') throw new Error('no free port')
  return address.port
}

async function waitForPort(port: number, process: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs
  while (performance.now() < deadline) {
    if (process.exitCode !== null) throw new Error(`mosquitto exited with ${process.exitCode}`)
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port }, () => {
        socket.destroy()
        resolve(true)
      })
      socket.on('error', () => resolve(false))
    })
    if (open) return
    await sleep(50)
  }
  throw new Error(`mosquitto did not listen on ${port} within ${timeoutMs} ms`)
}

/**
 * Settings chosen to match what aedes does, so the two brokers do the same work: no limit on
 * QoS 1 messages in flight to a client or queued for it (aedes has neither), TCP_NODELAY (Hearth
 * sets it), no persistence to disk (aedes keeps sessions in memory), passwords and an ACL.
 */
function settingsFor(port: number, dir: string): string[] {
  return [
    `listener ${port} 127.0.0.1`,
    'allow_anonymous false',
    `password_file ${join(dir, 'passwords')}`,
    `acl_file ${join(dir, 'acl')}`,
    'persistence false',
    'max_inflight_messages 0',
    'max_queued_messages 0',
    'set_tcp_nodelay true',
    'log_dest none',
  ]
}

export async function startMosquitto(devices: readonly Credentials[], ...services: readonly MosquittoService[]): Promise<Mosquitto> {
  const version = mosquittoVersion()
  if (!version) throw new Error('mosquitto is not installed (Debian: apt-get install mosquitto)')
  const dir = tempDir('hearth-mosquitto-')
  // Run as root, mosquitto drops to its own user, which must still read its files (throwaway bench secrets).
  chmodSync(dir, 0o755)
  const port = await freePort()
  const settings = settingsFor(port, dir)
  writeFileSync(join(dir, 'mosquitto.conf'), `${settings.join('\n')}\n`)
  const passwords = join(dir, 'passwords')
  writeFileSync(passwords, [...devices.map((d) => `${d.id}:${d.secret}`), ...services.map((s) => `${s.username}:${s.password}`)].join('\n') + '\n')
  const hashed = spawnSync('mosquitto_passwd', ['-U', passwords], { encoding: 'utf8' })
  if (hashed.status !== 0) throw new Error(`mosquitto_passwd failed: ${hashed.stderr}`)
  writeFileSync(
    join(dir, 'acl'),
    [
      'pattern write wellbeing/v1/devices/%u/readings',
      'pattern write wellbeing/v1/devices/%u/status',
      'pattern write wellbeing/v1/devices/%u/events',
      'pattern read wellbeing/v1/devices/%u/commands',
      'pattern read wellbeing/v1/devices/%u/errors',
      ...services.flatMap((s) => [`user ${s.username}`, ...(s.read ?? ['wellbeing/v1/devices/+/readings']).map((topic) => `topic read ${topic}`)]),
      '',
    ].join('\n'),
  )
  for (const file of ['mosquitto.conf', 'passwords', 'acl']) chmodSync(join(dir, file), 0o644)
  const child = spawn('mosquitto', ['-c', join(dir, 'mosquitto.conf')], { stdio: ['ignore', 'ignore', 'inherit'] })
  const pid = child.pid ?? -1
  try {
    await waitForPort(port, child, 10_000)
  } catch (error) {
    child.kill('SIGKILL')
    removeDir(dir)
    throw error
  }
  return {
    port,
    pid,
    version,
    settings,
    get alive() {
      return child.exitCode === null && child.signalCode === null
    },
    stats() {
      const rssKiB = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0)
      // /proc/PID/stat: utime and stime are fields 14 and 15, after the parenthesised command name.
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
      const ticks = Number(fields[11] ?? 0) + Number(fields[12] ?? 0)
      return { rssBytes: rssKiB * 1024, cpuMicros: (ticks * 1e6) / CLOCK_TICKS_PER_SECOND }
    },
    async stop() {
      if (child.exitCode === null) {
        const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()))
        child.kill('SIGTERM')
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
        await gone
        clearTimeout(timer)
      }
      removeDir(dir)
    },
  }
}
