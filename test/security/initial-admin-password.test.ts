import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { afterAll, describe, expect, it } from 'vitest'
import { killed, spawnPlatform, type PlatformProcess } from '../../harness/platform-process.js'
import { ADMIN_PASSWORD, TestApi, eventually, removeDir, tempDir } from '../../harness/test-platform.js'
import { INITIAL_ADMIN_PASSWORD_FILE } from '../../platform/bootstrap-admin.js'
import { loadConfig } from '../../platform/config.js'
import { createLogger } from '../../platform/logger.js'
import { startPlatform, type RunningPlatform } from '../../platform/start-platform.js'

/** Starts the platform in this process on `dataDir` with `env`, its whole log (every level) kept as text in `log`. */
async function start(dataDir: string, log: string[], env: Record<string, string> = {}): Promise<RunningPlatform> {
  const config = loadConfig({ ...env, HEARTH_DATA_DIR: dataDir, HEARTH_HOST: '127.0.0.1', HEARTH_HTTP_PORT: '0', HEARTH_MQTT_PORT: '0' })
  const logger = createLogger(
    'trace',
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        log.push(chunk.toString())
        done()
      },
    }),
  )
  return startPlatform(config, logger)
}

const modeOf = (path: string): string => (statSync(path).mode & 0o777).toString(8)

describe('the generated first admin password', () => {
  const dirs: string[] = []
  const fresh = (): string => {
    const dir = tempDir()
    dirs.push(dir)
    return dir
  }
  afterAll(() => {
    for (const dir of dirs) removeDir(dir)
  })

  it('is written to an owner-only file in the data folder, never to the log, and the log says where it is', async () => {
    const dataDir = fresh()
    const log: string[] = []
    const platform = await start(dataDir, log)
    try {
      const password = platform.generatedAdminPassword as string
      const file = join(dataDir, INITIAL_ADMIN_PASSWORD_FILE)
      expect(password).toMatch(/^[\w-]{16}$/)
      expect(platform.adminPasswordFile).toBe(file)
      expect(modeOf(file)).toBe('600')
      expect(readFileSync(file, 'utf8')).toBe(`${password}\n`)

      const text = log.join('')
      expect(text).not.toContain(password)
      const lines = text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Record<string, unknown>)
      expect(lines).toContainEqual(expect.objectContaining({ passwordFile: file, msg: expect.stringMatching(/created user admin with a generated password/) as unknown }))

      const api = new TestApi(`http://127.0.0.1:${platform.httpPort}`)
      await api.login('admin', readFileSync(file, 'utf8').trim())
      // It has been in a file: the admin chooses their own before anything else.
      expect((await api.request('GET', '/api/auth/me')).body.user.mustChangePassword).toBe(true)
      expect((await api.request('GET', '/api/persons')).status).toBe(403)
      expect((await api.request('POST', '/api/auth/password', { currentPassword: password, newPassword: 'the-admins-own-password' })).status).toBe(204)
      expect((await api.request('GET', '/api/persons')).status).toBe(200)
    } finally {
      await platform.close()
    }

    // A later start creates no admin and leaves the file as it was.
    const again: string[] = []
    const later = await start(dataDir, again)
    await later.close()
    expect(later.generatedAdminPassword).toBeUndefined()
    expect(again.join('')).not.toContain(INITIAL_ADMIN_PASSWORD_FILE)
  })

  it('replaces a file left in a fresh data folder rather than writing into it', async () => {
    const dataDir = fresh()
    const file = join(dataDir, INITIAL_ADMIN_PASSWORD_FILE)
    writeFileSync(file, 'stale\n', { mode: 0o644 })
    const platform = await start(dataDir, [])
    await platform.close()
    expect(modeOf(file)).toBe('600')
    expect(readFileSync(file, 'utf8')).toBe(`${platform.generatedAdminPassword as string}\n`)
  })

  it('is not written when HEARTH_ADMIN_PASSWORD chooses it', async () => {
    const dataDir = fresh()
    const log: string[] = []
    const platform = await start(dataDir, log, { HEARTH_ADMIN_PASSWORD: ADMIN_PASSWORD })
    await platform.close()
    expect(platform.generatedAdminPassword).toBeUndefined()
    expect(existsSync(join(dataDir, INITIAL_ADMIN_PASSWORD_FILE))).toBe(false)
    expect(log.join('')).not.toContain(ADMIN_PASSWORD)
  })

  it('is printed once by npm start in its banner (PROTOCOL §3), with where the file is, and never in a log line', { timeout: 60_000 }, async () => {
    const dataDir = fresh()
    let running: PlatformProcess | undefined
    try {
      running = await spawnPlatform(dataDir, { compiled: true, env: { HEARTH_ADMIN_PASSWORD: undefined, HEARTH_LOG_LEVEL: 'trace' } })
      const file = join(dataDir, INITIAL_ADMIN_PASSWORD_FILE)
      // What it prints after the lines spawnPlatform waited for.
      let after = ''
      running.child.stdout?.on('data', (chunk: Buffer) => (after += chunk.toString()))
      const output = (): string => `${(running as PlatformProcess).output()}${after}`
      await eventually(() => (output().includes(`also in ${file}`) ? true : undefined), 'the banner naming the file')
      expect(modeOf(file)).toBe('600')
      const password = readFileSync(file, 'utf8').trim()
      expect(password.length).toBeGreaterThanOrEqual(16)
      await new TestApi(running.httpUrl).login('admin', password)
      const lines = output().split('\n')
      expect(lines.filter((line) => line.includes(password))).toEqual([`  Sign in as admin with password ${password}, then choose your own.`])
      // The structured log lines (JSON) never hold it.
      expect(lines.filter((line) => line.startsWith('{') && line.includes(password))).toEqual([])
    } finally {
      if (running) await killed(running.child, 'SIGTERM')
    }
  })
})
