import type { Migration } from './open-database.js'

/** Operational schema version 1 (listed in operational-schema.ts): users, sessions, tokens, people, devices, events and alerts. */
export const INITIAL_SCHEMA_MIGRATION: Migration = {
  version: 1,
  sql: `
    CREATE TABLE users (
      id TEXT PRIMARY KEY,
      username TEXT NOT NULL UNIQUE,
      display_name TEXT NOT NULL,
      password_hash TEXT NOT NULL,
      roles TEXT NOT NULL,
      created_at INTEGER NOT NULL
    );
    CREATE TABLE sessions (
      token_hash TEXT PRIMARY KEY,
      user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      created_at INTEGER NOT NULL,
      expires_at INTEGER NOT NULL
    );
    CREATE TABLE api_tokens (
      token_hash TEXT PRIMARY KEY,
      id TEXT NOT NULL UNIQUE,
      name TEXT NOT NULL,
      roles TEXT NOT NULL,
      created_by TEXT NOT NULL,
      created_at INTEGER NOT NULL
    );
    CREATE TABLE persons (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      time_zone TEXT NOT NULL,
      details TEXT NOT NULL,
      created_at INTEGER NOT NULL
    );
    CREATE TABLE devices (
      id TEXT PRIMARY KEY,
      type TEXT NOT NULL,
      person_id TEXT NOT NULL REFERENCES persons(id),
      secret_hash TEXT NOT NULL,
      check_in_seconds INTEGER,
      label TEXT,
      created_at INTEGER NOT NULL,
      last_seen_at INTEGER,
      online INTEGER,
      battery REAL,
      signal REAL,
      firmware TEXT,
      status_at INTEGER
    );
    CREATE INDEX devices_person ON devices(person_id);
    CREATE TABLE device_events (
      device_id TEXT NOT NULL,
      event_id TEXT NOT NULL,
      type TEXT NOT NULL,
      ts REAL,
      data TEXT NOT NULL,
      received_at INTEGER NOT NULL,
      processed_at INTEGER,
      PRIMARY KEY (device_id, event_id)
    ) WITHOUT ROWID;
    CREATE INDEX device_events_pending ON device_events(received_at) WHERE processed_at IS NULL;
    CREATE TABLE alerts (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      person_id TEXT NOT NULL REFERENCES persons(id),
      device_id TEXT NOT NULL,
      kind TEXT NOT NULL,
      priority TEXT NOT NULL,
      status TEXT NOT NULL,
      raised_at INTEGER NOT NULL,
      last_occurred_at INTEGER NOT NULL,
      acknowledged_at INTEGER,
      acknowledged_by TEXT,
      resolved_at INTEGER,
      resolved_by TEXT,
      outcome TEXT,
      note TEXT,
      cancelled_at INTEGER,
      occurrences INTEGER NOT NULL,
      escalation_level INTEGER NOT NULL
    );
    -- One open alert per person and kind: repeats fold into it.
    CREATE UNIQUE INDEX alerts_open_per_kind ON alerts(person_id, kind) WHERE status != 'resolved';
    CREATE INDEX alerts_status ON alerts(status, seq);
    CREATE TABLE alert_history (
      alert_seq INTEGER NOT NULL REFERENCES alerts(seq),
      at INTEGER NOT NULL,
      action TEXT NOT NULL,
      by TEXT,
      detail TEXT
    );
    CREATE INDEX alert_history_alert ON alert_history(alert_seq, at);
  `,
}
