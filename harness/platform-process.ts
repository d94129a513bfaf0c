import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { ADMIN_PASSWORD, METRICS_TOKEN } from './test-platform.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))

export interface PlatformProcess {
  child: ChildProcess
  httpUrl: string
  mqttUrl: string
  output: () => string
}

export interface SpawnOptions {
  /** Fixed ports, so that a platform started again listens where its devices reconnect; 0 (the default) picks free ones. */
  httpPort?: number
  mqttPort?: number
  /** More environment over the defaults: HEARTH_ settings, or a preloaded library; `undefined` takes a default away. */
  env?: Record<string, string | undefined>
  /** Runs build/platform/main.js with plain node, as npm start does (test/global-setup.ts compiles it), instead of the sources under tsx. */
  compiled?: boolean
}

/** Runs `platform/main.ts` as its own process, as `npm start` does, and reads its ports from what it prints. */
export function spawnPlatform(dataDir: string, options: SpawnOptions = {}): Promise<PlatformProcess> {
  const args = options.compiled ? ['build/platform/main.js'] : ['--import', 'tsx', 'platform/main.ts']
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HEARTH_DATA_DIR: dataDir,
      HEARTH_HOST: '127.0.0.1',
      HEARTH_HTTP_PORT: String(options.httpPort ?? 0),
      HEARTH_MQTT_PORT: String(options.mqttPort ?? 0),
      HEARTH_ADMIN_PASSWORD: ADMIN_PASSWORD,
      HEARTH_METRICS_TOKEN: METRICS_TOKEN,
      HEARTH_LOG_LEVEL: 'warn',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      out += chunk.toString()
      const http = /Dashboard: (http:\/\/[\d.]+:\d+)\//.exec(out)
      const mqtt = /MQTT:\s+(mqtt:\/\/[\d.]+:\d+)/.exec(out)
      if (http?.[1] && mqtt?.[1]) {
        child.stdout?.off('data', onData)
        resolve({ child, httpUrl: http[1], mqttUrl: mqtt[1], output: () => out })
      }
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString()))
    child.once('exit', (code) => reject(new Error(`platform exited (${String(code)}) before it was up:\n${out}`)))
  })
}

export function killed(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    child.once('exit', () => resolve())
    child.kill(signal)
  })
}
