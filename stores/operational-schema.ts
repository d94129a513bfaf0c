import type { Migration } from './open-database.js'
import { INITIAL_SCHEMA_MIGRATION } from './initial-schema-migration.js'
import { DEVICE_LIFECYCLE_MIGRATION } from './device-lifecycle-migration.js'
import { REMOVAL_AND_ARCHIVE_MIGRATION } from './removal-and-archive-migration.js'
import { TWO_FACTOR_MIGRATION } from './two-factor-migration.js'
import { NOTIFICATIONS_MIGRATION } from './notifications-migration.js'
import { RESPONSE_PLANS_MIGRATION } from './response-plans-migration.js'
import { INCIDENTS_MIGRATION } from './incidents-migration.js'
import { FOLLOW_UPS_MIGRATION } from './follow-ups-migration.js'
import { USER_EMAIL_MIGRATION } from './user-email-migration.js'

export const OPERATIONAL_MIGRATIONS: readonly Migration[] = [
  INITIAL_SCHEMA_MIGRATION,
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
  {
    version: 4,
    sql: `
      -- Circles of care: organisations, their users, and who stands around each person.
      CREATE TABLE organisations (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        kind TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      -- Everything made before organisations existed belongs to the one service that ran Hearth.
      INSERT INTO organisations (id, name, kind, created_at)
        VALUES ('o-hearth', 'Hearth telecare service', 'telecare', CAST(strftime('%s', 'now') AS INTEGER) * 1000);
      ALTER TABLE users ADD COLUMN organisation_id TEXT NOT NULL DEFAULT 'o-hearth';
      ALTER TABLE users ADD COLUMN person_id TEXT;
      ALTER TABLE users ADD COLUMN disabled_at INTEGER;
      CREATE INDEX users_organisation ON users(organisation_id);
      ALTER TABLE api_tokens ADD COLUMN organisation_id TEXT NOT NULL DEFAULT 'o-hearth';
      ALTER TABLE api_tokens ADD COLUMN revoked_at INTEGER;
      ALTER TABLE api_tokens ADD COLUMN last_used_at INTEGER;
      CREATE TABLE circle_memberships (
        id TEXT PRIMARY KEY,
        person_id TEXT NOT NULL REFERENCES persons(id),
        organisation_id TEXT REFERENCES organisations(id),
        user_id TEXT REFERENCES users(id),
        relationship TEXT NOT NULL,
        scopes TEXT NOT NULL,
        basis TEXT NOT NULL,
        proxy TEXT,
        from_at INTEGER NOT NULL,
        to_at INTEGER,
        ended_at INTEGER,
        ended_by TEXT,
        end_reason TEXT,
        created_by TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        CHECK ((organisation_id IS NULL) != (user_id IS NULL))
      );
      CREATE INDEX circle_person ON circle_memberships(person_id);
      CREATE INDEX circle_organisation ON circle_memberships(organisation_id, person_id);
      CREATE INDEX circle_user ON circle_memberships(user_id, person_id);
      INSERT INTO circle_memberships (id, person_id, organisation_id, relationship, scopes, basis, from_at, created_by, created_at)
        SELECT 'm-' || substr(id, 3), id, 'o-hearth', 'monitoring telecare service',
          '["alerts","vitals","medical-notes","care-settings","contacts","access-details","timeline","notes:write","absences:write"]',
          'direct-care', created_at, 'upgrade', created_at
        FROM persons;
      CREATE TABLE break_glass (
        id TEXT PRIMARY KEY,
        person_id TEXT NOT NULL REFERENCES persons(id),
        user_id TEXT NOT NULL REFERENCES users(id),
        reason TEXT NOT NULL,
        opened_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      );
      CREATE INDEX break_glass_user ON break_glass(user_id, person_id, expires_at);
      CREATE INDEX break_glass_person ON break_glass(person_id, opened_at);
      CREATE TABLE person_notes (
        id TEXT PRIMARY KEY,
        person_id TEXT NOT NULL REFERENCES persons(id),
        at INTEGER NOT NULL,
        text TEXT NOT NULL,
        author_id TEXT NOT NULL,
        author_name TEXT NOT NULL,
        organisation_id TEXT NOT NULL,
        organisation_name TEXT NOT NULL,
        role TEXT NOT NULL
      );
      CREATE INDEX person_notes_person ON person_notes(person_id, at);
      -- Who read or did what about whom: append-only, each entry chained to the one before by its hash.
      CREATE TABLE audit_log (
        seq INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        user_id TEXT,
        username TEXT,
        organisation_id TEXT,
        role TEXT,
        action TEXT NOT NULL,
        person_id TEXT,
        target TEXT,
        ip TEXT,
        basis TEXT,
        reason TEXT,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
      );
      CREATE INDEX audit_log_person ON audit_log(person_id, seq) WHERE person_id IS NOT NULL;
      -- A person's page and timeline, read by every member of the circle: their alerts, and each device's newest events.
      CREATE INDEX alerts_person ON alerts(person_id, seq);
      CREATE INDEX device_events_device_time ON device_events(device_id, received_at);
      CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
      CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    `,
  },
  {
    version: 5,
    sql: `
      -- A command counts as delivered once the device's session acknowledged it, not when the broker took it.
      ALTER TABLE device_commands ADD COLUMN delivered_at INTEGER;
      -- Commands from before this version were sent to sessions that have ended: they are not sent again.
      UPDATE device_commands SET delivered_at = sent_at WHERE sent_at IS NOT NULL;
      CREATE INDEX device_commands_undelivered ON device_commands(device_id, created_at) WHERE delivered_at IS NULL;
    `,
  },
  {
    version: 6,
    sql: `
      -- What the rules must not lose in a restart (a pending threshold, a night watch under way):
      -- one JSON state per rule and person (or device), as the rule itself saves it.
      CREATE TABLE rule_states (
        scope TEXT NOT NULL CHECK (scope IN ('person', 'device')),
        owner TEXT NOT NULL,
        rule TEXT NOT NULL,
        state TEXT NOT NULL,
        PRIMARY KEY (scope, owner, rule)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 7,
    sql: `
      -- A deprovisioned device keeps its record (its id is never issued again), loses its secret,
      -- and leaves the lists and the rules' watch.
      ALTER TABLE devices ADD COLUMN deprovisioned_at INTEGER;
      ALTER TABLE devices ADD COLUMN deprovisioned_by TEXT;
    `,
  },
  {
    version: 8,
    sql: `
      -- API tokens expire (90 days unless made for less or more); those made before expire 90 days
      -- after they were made.
      ALTER TABLE api_tokens ADD COLUMN expires_at INTEGER;
      UPDATE api_tokens SET expires_at = created_at + 90 * 86400000;
      -- A password someone else chose (an admin's reset, the generated first one) is changed at the
      -- next sign-in before anything else.
      ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;
    `,
  },
  DEVICE_LIFECYCLE_MIGRATION,
  REMOVAL_AND_ARCHIVE_MIGRATION,
  TWO_FACTOR_MIGRATION,
  NOTIFICATIONS_MIGRATION,
  RESPONSE_PLANS_MIGRATION,
  INCIDENTS_MIGRATION,
  FOLLOW_UPS_MIGRATION,
  USER_EMAIL_MIGRATION,
]
