import type { Migration } from './open-database.js'

/** Users deleted and people archived: both stay as rows, for the records that name them. */
export const REMOVAL_AND_ARCHIVE_MIGRATION: Migration = {
  version: 10,
  sql: `
    -- A deleted user keeps their row, so the records that name them still say who they were; their
    -- username moves to deleted_username and the column takes one no new user can choose.
    ALTER TABLE users ADD COLUMN deleted_at INTEGER;
    ALTER TABLE users ADD COLUMN deleted_by TEXT;
    ALTER TABLE users ADD COLUMN deleted_username TEXT;
    -- An archived person is kept for the record, out of the lists and the rules' watch.
    ALTER TABLE persons ADD COLUMN archived_at INTEGER;
    ALTER TABLE persons ADD COLUMN archived_by TEXT;
    ALTER TABLE persons ADD COLUMN archive_reason TEXT;
  `,
}
