import type { Migration } from './open-database.js'

/** Operational schema version 13 (listed in operational-schema.ts): what matters to each person, response plans and their calls. */
export const RESPONSE_PLANS_MIGRATION: Migration = {
  version: 13,
  sql: `
    -- PROTOCOL §2c "what matters to me": every change is a new version, kept with who, when and why.
    CREATE TABLE person_wishes (
      person_id TEXT NOT NULL REFERENCES persons(id),
      version INTEGER NOT NULL,
      wishes TEXT NOT NULL,
      changed_by TEXT NOT NULL,
      changed_at INTEGER NOT NULL,
      reason TEXT NOT NULL,
      PRIMARY KEY (person_id, version)
    ) WITHOUT ROWID;
    -- The ordered cascade of people to call, versioned the same way.
    CREATE TABLE response_plans (
      person_id TEXT NOT NULL REFERENCES persons(id),
      version INTEGER NOT NULL,
      steps TEXT NOT NULL,
      changed_by TEXT NOT NULL,
      changed_at INTEGER NOT NULL,
      reason TEXT NOT NULL,
      PRIMARY KEY (person_id, version)
    ) WITHOUT ROWID;
    -- Each call attempt on an alert, against one step of the plan version in force when it was made;
    -- the step's name and relationship are kept as they were, so a later plan never rewrites the record.
    CREATE TABLE alert_calls (
      id TEXT PRIMARY KEY,
      alert_seq INTEGER NOT NULL REFERENCES alerts(seq),
      person_id TEXT NOT NULL REFERENCES persons(id),
      plan_version INTEGER NOT NULL,
      step INTEGER NOT NULL,
      step_name TEXT NOT NULL,
      relationship TEXT NOT NULL,
      outcome TEXT NOT NULL,
      eta_minutes INTEGER,
      note TEXT,
      called_at INTEGER NOT NULL,
      called_by TEXT NOT NULL,
      called_by_name TEXT NOT NULL
    );
    CREATE INDEX alert_calls_alert ON alert_calls(alert_seq, called_at);
    CREATE INDEX alert_calls_person ON alert_calls(person_id, called_at);
  `,
}
