import { chmodSync, lstatSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import type { Logger } from 'pino'
import { PRIVATE_FILE_MODE, PRIVATE_FOLDER_MODE, makePrivateFolder } from '../stores/private-files.js'

/** What a folder or file in the data folder was open to, and what it was made. */
interface Tightened {
  path: string
  was: string
}

const octal = (mode: number): string => (mode & 0o777).toString(8).padStart(3, '0')

/**
 * Takes group and others' rights from `path` and, in a folder, from everything under it. Symbolic
 * links inside are left alone; the data folder itself may be one (`follow`).
 */
function tighten(path: string, follow: boolean, tightened: Tightened[], failed: Array<{ path: string; error: string }>): void {
  const attempt = (what: () => void): void => {
    try {
      what()
    } catch (error) {
      failed.push({ path, error: (error as Error).message })
    }
  }
  attempt(() => {
    const stat = follow ? statSync(path) : lstatSync(path)
    if (stat.isSymbolicLink()) return
    const folder = stat.isDirectory()
    if ((stat.mode & 0o077) !== 0) {
      attempt(() => {
        chmodSync(path, folder ? PRIVATE_FOLDER_MODE : PRIVATE_FILE_MODE)
        tightened.push({ path, was: octal(stat.mode) })
      })
    }
    if (folder) for (const name of readdirSync(path)) tighten(join(path, name), false, tightened, failed)
  })
}

/**
 * The data folder holds health data: made owner-only (0700) when it is new; one found open to
 * others (an older Hearth's, or made by hand) is tightened with everything in it, folders to 0700
 * and files to 0600, and the log says so once. What cannot be tightened (a file of another user)
 * is logged, and Hearth starts all the same: alarms must not wait on a folder's mode.
 */
export function prepareDataFolder(dataDir: string, logger: Logger): void {
  makePrivateFolder(dataDir)
  const tightened: Tightened[] = []
  const failed: Array<{ path: string; error: string }> = []
  tighten(dataDir, true, tightened, failed)
  if (tightened.length > 0) {
    logger.warn({ dataDir, tightened: tightened.length, paths: tightened.slice(0, 20) }, 'the data folder was open to other users: made it and its files owner-only (0700 folders, 0600 files)')
  }
  if (failed.length > 0) {
    logger.error({ dataDir, failed: failed.slice(0, 20) }, 'could not make these owner-only: other users may read them; change their owner or mode by hand')
  }
}
