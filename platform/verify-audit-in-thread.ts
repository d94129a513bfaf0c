import { Worker } from 'node:worker_threads'
import type { AuditVerification } from '../stores/audit-log.js'
import { moduleExtension } from './thread-entry.js'

/**
 * Verifies the audit chain of a database file in a worker thread: walking a million entries takes
 * seconds, which must never hold up the event loop that raises and pushes alarms.
 */
export function verifyAuditInThread(path: string): Promise<AuditVerification> {
  return new Promise((resolve, reject) => {
    const entry = new URL(`./audit-verify-thread${moduleExtension}`, import.meta.url).href
    const thread = new Worker(new URL('./thread-boot.mjs', import.meta.url), { workerData: { entry, path }, execArgv: [] })
    let answered = false
    thread.once('message', (result: AuditVerification) => {
      answered = true
      resolve(result)
    })
    thread.once('error', (error) => reject(new Error('the audit check failed', { cause: error })))
    thread.once('exit', (code) => {
      if (!answered) reject(new Error(`the audit check stopped (exit ${code}) before answering`))
    })
  })
}
