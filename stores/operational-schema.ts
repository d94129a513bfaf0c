import type { Migration } from './open-database.js'

export const OPERATIONAL_MIGRATIONS: readonly Migration[] = [
  {
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
  },
  {
    version: 2,
    sql: `
      -- Commands to devices are written with the change that causes them, then sent; unsent ones
      -- are sent again after a crash.
      CREATE TABLE device_commands (
        id TEXT PRIMARY KEY,
        device_id TEXT NOT NULL,
        payload TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        sent_at INTEGER
      );
      CREATE INDEX device_commands_unsent ON device_commands(created_at) WHERE sent_at IS NULL;
    `,
  },
  {
    version: 3,
    sql: `
      -- Rules: what an alert says, when it next escalates, whether its condition cleared or flaps.
      ALTER TABLE alerts ADD COLUMN summary TEXT;
      ALTER TABLE alerts ADD COLUMN fold_key TEXT;
      ALTER TABLE alerts ADD COLUMN flapping INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE alerts ADD COLUMN cleared_at INTEGER;
      ALTER TABLE alerts ADD COLUMN deadline_at INTEGER;
      ALTER TABLE alerts ADD COLUMN reraised_count INTEGER NOT NULL DEFAULT 0;
      UPDATE alerts SET fold_key = kind;
      -- Open alerts from before deadlines existed get theirs (alerting/escalation-policy.ts).
      UPDATE alerts SET deadline_at = raised_at + CASE priority
          WHEN 'emergency' THEN 60000 WHEN 'urgent' THEN 180000 WHEN 'warning' THEN 900000 ELSE 3600000 END
        WHERE status = 'raised';
      UPDATE alerts SET deadline_at = acknowledged_at + CASE priority
          WHEN 'emergency' THEN 1800000 WHEN 'urgent' THEN 3600000 WHEN 'warning' THEN 14400000 ELSE 86400000 END
        WHERE status = 'acknowledged';
      -- One open alert per person and fold key (the kind, or the kind and device for device alerts).
      DROP INDEX alerts_open_per_kind;
      CREATE UNIQUE INDEX alerts_open_per_key ON alerts(person_id, fold_key) WHERE status != 'resolved';
      CREATE INDEX alerts_deadline ON alerts(deadline_at) WHERE status != 'resolved';
      -- Care settings: every change is a new version, kept with who, when, why and what changed.
      CREATE TABLE care_settings_versions (
        person_id TEXT NOT NULL REFERENCES persons(id),
        version INTEGER NOT NULL,
        thresholds TEXT NOT NULL,
        settings TEXT NOT NULL,
        changed_by TEXT NOT NULL,
        changed_at INTEGER NOT NULL,
        reason TEXT NOT NULL,
        changes TEXT NOT NULL,
        PRIMARY KEY (person_id, version)
      ) WITHOUT ROWID;
      CREATE TABLE absences (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        person_id TEXT NOT NULL REFERENCES persons(id),
        from_at INTEGER NOT NULL,
        to_at INTEGER NOT NULL,
        reason TEXT NOT NULL,
        created_by TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        ended_at INTEGER,
        ended_by TEXT
      );
      CREATE INDEX absences_person ON absences(person_id, to_at);
    `,
  },
]
