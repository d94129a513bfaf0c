import { randomBytes } from 'node:crypto'
import { rmSync } from 'node:fs'
import { loadConfig, type Config } from './config.js'

/**
 * The configuration of a platform on a throwaway folder (the demo's, a scenario's): the
 * environment's settings, but always `folder`, never HEARTH_DATA_DIR, which may hold real people,
 * and that folder wiped first. The admin's password is HEARTH_ADMIN_PASSWORD or a new one, to print.
 */
export function throwawayConfig(folder: string, logLevel: Config['logLevel'], extra: Record<string, string> = {}): { config: Config; password: string } {
  const password = process.env.HEARTH_ADMIN_PASSWORD ?? randomBytes(9).toString('base64url')
  const config = loadConfig({ HEARTH_LOG_LEVEL: logLevel, ...process.env, ...extra, HEARTH_DATA_DIR: folder, HEARTH_ADMIN_PASSWORD: password })
  rmSync(config.dataDir, { recursive: true, force: true })
  return { config, password }
}
