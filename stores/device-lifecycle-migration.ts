import type { Migration } from './open-database.js'

/** Operational schema version 9 (listed in operational-schema.ts): device secrets rotated, devices moved. */
export const DEVICE_LIFECYCLE_MIGRATION: Migration = {
  version: 9,
  sql: `
    -- A rotated secret: the one it replaced keeps working until previous_secret_valid_until (ms),
    -- then never again; none is kept when it was rotated with no grace.
    ALTER TABLE devices ADD COLUMN previous_secret_hash TEXT;
    ALTER TABLE devices ADD COLUMN previous_secret_valid_until INTEGER;
    ALTER TABLE devices ADD COLUMN secret_rotated_at INTEGER;
    -- A device may move to another person: each event stays with the person whose device sent it.
    ALTER TABLE device_events ADD COLUMN person_id TEXT;
    UPDATE device_events SET person_id = (SELECT person_id FROM devices WHERE devices.id = device_events.device_id);
    CREATE INDEX device_events_person_time ON device_events(person_id, received_at) WHERE person_id IS NOT NULL;
  `,
}
