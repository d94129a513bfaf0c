import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { openDatabase } from '../../../stores/open-database.js'
import { READINGS_MIGRATIONS } from '../../../stores/readings-schema.js'

const INSERT = 'INSERT INTO readings (person_id, metric, at_ms, value, device_id, received_at_ms) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (person_id, metric, device_id, at_ms) DO NOTHING'

describe('the readings schema', () => {
  const dirs: string[] = []
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
  })

  it('keeps the readings of an older store and still stores a reading sent twice once, by one index for identity and series', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hearth-readings-schema-'))
    dirs.push(dir)
    const path = join(dir, 'readings.db')
    const before = openDatabase(path, READINGS_MIGRATIONS.filter((m) => m.version <= 5), { synchronous: 'NORMAL' })
    before.prepare(INSERT).run('p-1', 'heart_rate', 1000, 71, 'wrist-1', 1000)
    before.prepare(INSERT).run('p-1', 'heart_rate', 1000, 64, 'wrist-2', 1000)
    before.close()

    const db = openDatabase(path, READINGS_MIGRATIONS, { synchronous: 'NORMAL' })
    try {
      expect(db.prepare(INSERT).run('p-1', 'heart_rate', 1000, 71, 'wrist-1', 2000).changes).toBe(0)
      expect(db.prepare(INSERT).run('p-1', 'heart_rate', 2000, 72, 'wrist-1', 2000).changes).toBe(1)
      expect(db.prepare('SELECT device_id, at_ms, value FROM readings ORDER BY at_ms, device_id').all()).toEqual([
        { device_id: 'wrist-1', at_ms: 1000, value: 71 },
        { device_id: 'wrist-2', at_ms: 1000, value: 64 },
        { device_id: 'wrist-1', at_ms: 2000, value: 72 },
      ])
      const indexes = db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'readings' AND sql IS NOT NULL ORDER BY name").all()
      expect(indexes).toEqual([{ name: 'readings_series_identity' }, { name: 'readings_time' }])
      const plan = db.prepare("EXPLAIN QUERY PLAN SELECT value FROM readings WHERE person_id = 'p-1' AND metric = 'heart_rate' AND at_ms >= 0 AND at_ms < 5000").all() as Array<{ detail: string }>
      expect(plan.map((p) => p.detail).join('; ')).toMatch(/USING INDEX readings_series_identity \(person_id=\? AND metric=\? AND at_ms>\? AND at_ms<\?\)/)
    } finally {
      db.close()
    }
  })
})
