import type { Migration } from './open-database.js'

/** Operational schema version 11 (listed in operational-schema.ts): two-factor sign-in. */
export const TWO_FACTOR_MIGRATION: Migration = {
  version: 11,
  sql: `
    -- Two-factor sign-in (RFC 6238): the user's secret, pending until a code confirms it, and the
    -- last time step accepted, so that no code signs in twice.
    CREATE TABLE two_factor (
      user_id TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
      secret TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      enabled_at INTEGER,
      last_step INTEGER,
      recovery_salt TEXT
    );
    -- Single-use recovery codes: their scrypt hashes under the salt in two_factor, never the codes.
    CREATE TABLE recovery_codes (
      user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      code_hash TEXT NOT NULL,
      used_at INTEGER,
      PRIMARY KEY (user_id, code_hash)
    ) WITHOUT ROWID;
    -- The roles that require it have a grace to set it up, counted from the account's creation or,
    -- for the accounts there already, from this upgrade.
    ALTER TABLE users ADD COLUMN two_factor_grace_from INTEGER;
    UPDATE users SET two_factor_grace_from = CAST(strftime('%s', 'now') AS INTEGER) * 1000;
  `,
}
