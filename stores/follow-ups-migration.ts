import type { Migration } from './open-database.js'

/** Operational schema version 15 (listed in operational-schema.ts): follow-ups, attendance and call scripts. */
export const FOLLOW_UPS_MIGRATION: Migration = {
  version: 15,
  sql: `
    -- A follow-up alert names the alert it follows up.
    ALTER TABLE alerts ADD COLUMN follow_up_of INTEGER;
    -- "Call back in 2 hours to check": raised as a follow-up.due alert at due_at (alerting's tick, and at start).
    CREATE TABLE follow_ups (
      id TEXT PRIMARY KEY,
      alert_seq INTEGER NOT NULL REFERENCES alerts(seq),
      person_id TEXT NOT NULL REFERENCES persons(id),
      due_at INTEGER NOT NULL,
      note TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      created_by TEXT NOT NULL,
      raised_alert_seq INTEGER,
      cancelled_at INTEGER,
      cancelled_by TEXT
    );
    CREATE INDEX follow_ups_alert ON follow_ups(alert_seq, due_at);
    CREATE INDEX follow_ups_pending ON follow_ups(due_at) WHERE raised_alert_seq IS NULL AND cancelled_at IS NULL;
    -- A mobile responder's arrival and clearing, against the alert.
    CREATE TABLE alert_attendance (
      id TEXT PRIMARY KEY,
      alert_seq INTEGER NOT NULL REFERENCES alerts(seq),
      person_id TEXT NOT NULL REFERENCES persons(id),
      event TEXT NOT NULL,
      responder TEXT NOT NULL,
      note TEXT,
      at INTEGER NOT NULL,
      recorded_by TEXT NOT NULL
    );
    CREATE INDEX alert_attendance_alert ON alert_attendance(alert_seq, at);
    -- Call scripts by alert kind: every change a new version with who, when and why; none means the shipped default.
    CREATE TABLE call_scripts (
      kind TEXT NOT NULL,
      version INTEGER NOT NULL,
      questions TEXT NOT NULL,
      changed_by TEXT NOT NULL,
      changed_at INTEGER NOT NULL,
      reason TEXT NOT NULL,
      PRIMARY KEY (kind, version)
    ) WITHOUT ROWID;
  `,
}
