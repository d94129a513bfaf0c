import type { ResponsePlanVersion, ResponseStep } from '../contract/index.js'
import type { SqliteDatabase } from './open-database.js'
import { createVersionedDocuments, type DocumentVersion } from './versioned-documents.js'

const toPlan = (v: DocumentVersion<ResponseStep[]>): ResponsePlanVersion => ({
  personId: v.personId,
  version: v.version,
  steps: v.content,
  changedAt: v.changedAt,
  changedBy: v.changedBy,
  reason: v.reason,
})

/** PROTOCOL §2c: each person's response plan (the ordered cascade of people to call), in versions. */
export function createResponsePlanRepository(db: SqliteDatabase) {
  const documents = createVersionedDocuments<ResponseStep[]>(db, 'response_plans', 'steps')
  return {
    /** The version in force, or undefined when no plan was written yet. */
    current(personId: string): ResponsePlanVersion | undefined {
      const found = documents.current(personId)
      return found && toPlan(found)
    },
    history: (personId: string, limit: number): ResponsePlanVersion[] => documents.history(personId, limit).map(toPlan),
    save: (personId: string, steps: ResponseStep[], reason: string, by: string, nowMs: number): ResponsePlanVersion => toPlan(documents.save(personId, steps, reason, by, nowMs)),
  }
}
