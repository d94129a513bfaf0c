import { NO_WISHES, type Routine, type Wishes, type WishesVersion } from '../contract/index.js'
import type { SqliteDatabase } from './open-database.js'
import { createVersionedDocuments, type DocumentVersion, type VersionedDocumentsOptions } from './versioned-documents.js'

const toWishes = (v: DocumentVersion<Wishes>): WishesVersion => ({
  ...NO_WISHES,
  ...v.content,
  personId: v.personId,
  version: v.version,
  changedAt: v.changedAt,
  changedBy: v.changedBy,
  reason: v.reason,
})

/** PROTOCOL §2c: what matters to each person, in versions. */
export function createWishesRepository(db: SqliteDatabase, options: VersionedDocumentsOptions = {}) {
  const documents = createVersionedDocuments<Wishes>(db, 'person_wishes', 'wishes', options)
  return {
    /** The version in force, or undefined when nothing was written yet. */
    current(personId: string): WishesVersion | undefined {
      const found = documents.current(personId)
      return found && toWishes(found)
    },
    /** The person's own routine, if they gave one: the rules read it on every tick (cached). */
    routineOf(personId: string): Routine | null {
      return documents.current(personId)?.content.routine ?? null
    },
    history: (personId: string, limit: number): WishesVersion[] => documents.history(personId, limit).map(toWishes),
    save: (personId: string, wishes: Wishes, reason: string, by: string, nowMs: number): WishesVersion => toWishes(documents.save(personId, wishes, reason, by, nowMs)),
  }
}
