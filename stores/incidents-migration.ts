import type { Migration } from './open-database.js'

/** Operational schema version 14 (listed in operational-schema.ts): who holds each person's incident. */
export const INCIDENTS_MIGRATION: Migration = {
  version: 14,
  sql: `
    -- The call-handling console: all open alerts of one person are one incident, held by at most
    -- one responder at a time. A row lives while the incident is held; resolving its last alert
    -- ends it.
    CREATE TABLE incident_holds (
      person_id TEXT PRIMARY KEY REFERENCES persons(id),
      user_id TEXT NOT NULL REFERENCES users(id),
      held_since INTEGER NOT NULL
    ) WITHOUT ROWID;
  `,
}
