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
  {
    version: 2,
    sql: `
      -- Retention: raw readings older than the raw period are rolled up into hours, then removed.
      CREATE INDEX readings_time ON readings(at_ms);
      CREATE TABLE readings_hourly (
        person_id TEXT NOT NULL,
        metric TEXT NOT NULL,
        hour_ms INTEGER NOT NULL,
        sum REAL NOT NULL,
        min REAL NOT NULL,
        max REAL NOT NULL,
        count INTEGER NOT NULL,
        PRIMARY KEY (person_id, metric, hour_ms)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 3,
    sql: `
      -- Minute aggregates kept as readings arrive: a day of 1 Hz data in 1-minute buckets reads
      -- 1,440 rows instead of 86,400.
      CREATE TABLE readings_minute (
        person_id TEXT NOT NULL,
        metric TEXT NOT NULL,
        minute_ms INTEGER NOT NULL,
        sum REAL NOT NULL,
        min REAL NOT NULL,
        max REAL NOT NULL,
        count INTEGER NOT NULL,
        PRIMARY KEY (person_id, metric, minute_ms)
      ) WITHOUT ROWID;
      INSERT INTO readings_minute (person_id, metric, minute_ms, sum, min, max, count)
        SELECT person_id, metric, (at_ms / 60000) * 60000 AS minute, SUM(value), MIN(value), MAX(value), COUNT(*)
          FROM readings WHERE 1 GROUP BY person_id, metric, minute;
    `,
  },
  {
    version: 4,
    sql: `
      -- How far into the readings log the readings are stored, written in each batch's transaction.
      CREATE TABLE log_position (id INTEGER PRIMARY KEY CHECK (id = 1), position INTEGER NOT NULL);
    `,
  },
  {
    version: 5,
    sql: `
      -- A reading is one device's value of one metric at one time (as in InfluxDB, where a point is
      -- its series and time): a pack sent again after a lost acknowledgement is stored once.
      DELETE FROM readings WHERE rowid NOT IN (SELECT MAX(rowid) FROM readings GROUP BY person_id, metric, device_id, at_ms);
      CREATE UNIQUE INDEX readings_identity ON readings(person_id, metric, device_id, at_ms);
      DELETE FROM readings_minute;
      INSERT INTO readings_minute (person_id, metric, minute_ms, sum, min, max, count)
        SELECT person_id, metric, CAST(at_ms / 60000 AS INTEGER) * 60000 AS minute, SUM(value), MIN(value), MAX(value), COUNT(*)
          FROM readings WHERE 1 GROUP BY person_id, metric, minute;
    `,
  },
  {
    version: 6,
    sql: `
      -- One index is both a reading's identity and its series (a person's metric over a time range):
      -- time before the device, so that a range of time is one stretch of it. Every reading stored
      -- updates one index fewer (a third less work per reading in SQLite).
      CREATE UNIQUE INDEX readings_series_identity ON readings(person_id, metric, at_ms, device_id);
      DROP INDEX readings_identity;
      DROP INDEX readings_series;
    `,
  },
]
