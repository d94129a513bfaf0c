import type { Migration } from './open-database.js'

/** Operational schema version 12 (listed in operational-schema.ts): outbound notifications. */
export const NOTIFICATIONS_MIGRATION: Migration = {
  version: 12,
  sql: `
    -- PROTOCOL §2c webhooks: each belongs to the organisation of the account that registered it, and
    -- is sent what that organisation may see (the roles it reads with are that account's, then).
    -- The secret signs every delivery, so it is kept as it was issued (the data folder is owner-only).
    CREATE TABLE webhooks (
      id TEXT PRIMARY KEY,
      organisation_id TEXT NOT NULL REFERENCES organisations(id),
      url TEXT NOT NULL,
      events TEXT NOT NULL,
      secret TEXT NOT NULL,
      roles TEXT NOT NULL,
      created_by TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      removed_at INTEGER,
      removed_by TEXT,
      last_attempt_at INTEGER,
      last_outcome TEXT,
      last_http_status INTEGER,
      last_error TEXT
    );
    CREATE INDEX webhooks_organisation ON webhooks(organisation_id) WHERE removed_at IS NULL;
    -- The outbox: a row per message (a webhook delivery, an email), written with or right after the
    -- change that causes it and keyed by that change, sent until delivered or given up. Its id is
    -- the message's (Standard Webhooks' webhook-id), the same on every attempt.
    CREATE TABLE notifications (
      id TEXT PRIMARY KEY,
      key TEXT NOT NULL UNIQUE,
      channel TEXT NOT NULL CHECK (channel IN ('webhook', 'email')),
      webhook_id TEXT REFERENCES webhooks(id),
      payload TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      attempts INTEGER NOT NULL DEFAULT 0,
      next_attempt_at INTEGER NOT NULL,
      leased_until INTEGER,
      last_error TEXT,
      delivered_at INTEGER,
      failed_at INTEGER
    );
    CREATE INDEX notifications_due ON notifications(next_attempt_at) WHERE delivered_at IS NULL AND failed_at IS NULL;
    CREATE INDEX notifications_finished ON notifications(created_at) WHERE delivered_at IS NOT NULL OR failed_at IS NOT NULL;
    -- What each alert's notifications have told so far, so that each change is told once, however
    -- many times the alert is announced (folded repeats) or looked at again after a restart.
    CREATE TABLE alert_notices (
      alert_id TEXT PRIMARY KEY,
      status TEXT NOT NULL,
      escalation_level INTEGER NOT NULL,
      reraised_count INTEGER NOT NULL
    ) WITHOUT ROWID;
  `,
}
