import type { Migration } from './open-database.js'

/** Operational schema version 16 (listed in operational-schema.ts): a user's optional email address. */
export const USER_EMAIL_MIGRATION: Migration = {
  version: 16,
  sql: `
    -- Where a supervisor is emailed of an alert nobody answered in time (dashboard/escalation-notices.ts).
    ALTER TABLE users ADD COLUMN email TEXT;
  `,
}
