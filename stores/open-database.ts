import Database from 'better-sqlite3'
import { dirname } from 'node:path'
import { ensurePrivateFile, makePrivateFolder } from './private-files.js'

export type SqliteDatabase = Database.Database

export interface Migration {
  version: number
  sql: string
}

export interface OpenOptions {
  /** FULL fsyncs every commit (alarms, alerts); NORMAL is enough for telemetry in WAL mode. */
  synchronous: 'FULL' | 'NORMAL'
}

/**
 * Opens (creating if needed, owner-only with its WAL files) a SQLite file in WAL mode and brings
 * its schema up to date.
 */
export function openDatabase(path: string, migrations: readonly Migration[], options: OpenOptions): SqliteDatabase {
  makePrivateFolder(dirname(path))
  ensurePrivateFile(path)
  const db = new Database(path)
  db.pragma('journal_mode = WAL')
  db.pragma(`synchronous = ${options.synchronous}`)
  db.pragma('foreign_keys = ON')
  db.pragma('busy_timeout = 5000')
  const current = db.pragma('user_version', { simple: true }) as number
  const pending = migrations.filter((m) => m.version > current).sort((a, b) => a.version - b.version)
  for (const migration of pending) {
    db.transaction(() => {
      db.exec(migration.sql)
      db.pragma(`user_version = ${migration.version}`)
    })()
  }
  return db
}
