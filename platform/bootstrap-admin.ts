import { randomBytes } from 'node:crypto'
import type { Logger } from 'pino'
import type { Clock } from '../contract/index.js'
import { hashPassword } from '../dashboard/password-hash.js'
import { DEFAULT_ORGANISATION_ID } from '../stores/organisation-repository.js'
import type { createUserRepository } from '../stores/user-repository.js'
import type { Config } from './config.js'

/**
 * PROTOCOL §3: on a fresh data dir, create `admin` with HEARTH_ADMIN_PASSWORD or a generated one.
 * Returns the generated password, to be shown once; undefined when none was generated.
 */
export async function bootstrapAdmin(
  config: Config,
  users: ReturnType<typeof createUserRepository>,
  clock: Clock,
  logger: Logger,
): Promise<string | undefined> {
  if (users.count() > 0) return undefined
  const password = config.adminPassword ?? randomBytes(12).toString('base64url')
  users.create(
    { username: 'admin', displayName: 'Administrator', passwordHash: await hashPassword(password), roles: ['admin'], organisationId: DEFAULT_ORGANISATION_ID },
    clock.now(),
  )
  logger.info('created user admin')
  return config.adminPassword ? undefined : password
}
