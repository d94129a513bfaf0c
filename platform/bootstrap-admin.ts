import { randomBytes } from 'node:crypto'
import { rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Logger } from 'pino'
import type { Clock } from '../contract/index.js'
import { hashPassword } from '../dashboard/password-hash.js'
import { DEFAULT_ORGANISATION_ID } from '../stores/organisation-repository.js'
import { PRIVATE_FILE_MODE } from '../stores/private-files.js'
import type { createUserRepository } from '../stores/user-repository.js'
import type { Config } from './config.js'

/** Where a generated first admin password is written, in the data folder. */
export const INITIAL_ADMIN_PASSWORD_FILE = 'initial-admin-password'

/** A password generated for `admin`, and the owner-only file that holds it. */
export interface GeneratedAdminPassword {
  password: string
  file: string
}

/** Writes the password to a new file only this user can read (one left by an earlier start is replaced). */
function writePasswordFile(file: string, password: string): void {
  rmSync(file, { force: true })
  writeFileSync(file, `${password}\n`, { mode: PRIVATE_FILE_MODE, flag: 'wx' })
}

/**
 * PROTOCOL §3: on a fresh data dir, create `admin` with HEARTH_ADMIN_PASSWORD or a generated one.
 * A generated password never goes to the log: it is written to `initial-admin-password` in the
 * data folder (0600) before the user exists, and the log says where. Returns it and its file;
 * undefined when none was generated.
 */
export async function bootstrapAdmin(
  config: Config,
  users: ReturnType<typeof createUserRepository>,
  clock: Clock,
  logger: Logger,
): Promise<GeneratedAdminPassword | undefined> {
  if (users.count() > 0) return undefined
  const generated = config.adminPassword === undefined
  const password = config.adminPassword ?? randomBytes(12).toString('base64url')
  const file = join(config.dataDir, INITIAL_ADMIN_PASSWORD_FILE)
  if (generated) writePasswordFile(file, password)
  try {
    users.create(
      // A generated password has been in a file: the admin chooses their own at the first sign-in.
      { username: 'admin', displayName: 'Administrator', passwordHash: await hashPassword(password), roles: ['admin'], organisationId: DEFAULT_ORGANISATION_ID, mustChangePassword: generated },
      clock.now(),
    )
  } catch (error) {
    if (generated) rmSync(file, { force: true })
    throw error
  }
  if (!generated) {
    logger.info('created user admin')
    return undefined
  }
  logger.info({ passwordFile: file }, 'created user admin with a generated password: it is in passwordFile, readable by this user only; sign in with it, choose your own, then delete the file')
  return { password, file }
}
