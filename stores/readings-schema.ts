import type { Migration } from './open-database.js'

export const READINGS_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE readings (
        person_id TEXT NOT NULL,
        metric TEXT NOT NULL,
        at_ms INTEGER NOT NULL,
        value REAL NOT NULL,
        device_id TEXT NOT NULL,
        received_at_ms INTEGER NOT NULL
      );
      CREATE INDEX readings_series ON readings(person_id, metric, at_ms);
    `,
  },
]
