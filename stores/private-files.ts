import { closeSync, mkdirSync, openSync } from 'node:fs'

/**
 * Health data is its owner's alone: every folder Hearth makes under the data folder is
 * `rwx------` and every file it writes there `rw-------`, whatever the process umask. The modes
 * are given when a file or folder is created, so that there is no moment in which it is open to
 * others.
 */
export const PRIVATE_FOLDER_MODE = 0o700
export const PRIVATE_FILE_MODE = 0o600

/** Makes `dir` (and any missing parent) owner-only; an existing folder keeps its mode. */
export function makePrivateFolder(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_FOLDER_MODE })
}

/**
 * Creates `path` empty and owner-only unless it exists. SQLite then opens a file it did not
 * create, and gives its `-wal`, `-shm` and `-journal` files the database file's own mode.
 */
export function ensurePrivateFile(path: string): void {
  closeSync(openSync(path, 'a', PRIVATE_FILE_MODE))
}
