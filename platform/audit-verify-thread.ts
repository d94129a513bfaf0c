import Database from 'better-sqlite3'
import { parentPort, workerData } from 'node:worker_threads'
import { createAuditLog } from '../stores/audit-log.js'

/** Checks the audit chain on a read-only connection of its own, away from the thread that carries alarms. */
const { path } = workerData as { path: string }
const db = new Database(path, { readonly: true, fileMustExist: true })
try {
  parentPort?.postMessage(createAuditLog(db).verify())
} finally {
  db.close()
}
