import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { removeDir, tempDir } from '../../../harness/test-platform.js'
import { openDatabase, type SqliteDatabase } from '../../../stores/open-database.js'
import { OPERATIONAL_MIGRATIONS } from '../../../stores/operational-schema.js'
import { createRuleStateRepository } from '../../../stores/rule-state-repository.js'

describe('rule state repository', () => {
  let dir: string
  let file: string
  let db: SqliteDatabase

  const open = (): SqliteDatabase => openDatabase(file, OPERATIONAL_MIGRATIONS, { synchronous: 'NORMAL' })

  beforeEach(() => {
    dir = tempDir('hearth-rule-states-')
    file = join(dir, 'hearth.db')
    db = open()
  })

  afterEach(() => {
    db.close()
    removeDir(dir)
  })

  it('keeps each rule state by scope, owner and rule across a reopen, replacing it on change and forgetting it when cleared', () => {
    const store = createRuleStateRepository(db)
    store.save([
      { scope: 'person', owner: 'p-ada', rule: 'threshold', state: '{"spo2":{"phase":"pending"}}' },
      { scope: 'person', owner: 'p-ada', rule: 'night.door-exit', state: '{"openedAtMs":1}' },
      // A device may carry the same id as a person: the scope keeps them apart.
      { scope: 'device', owner: 'p-ada', rule: 'device.offline', state: '{"offlineSinceMs":2}' },
    ])
    store.save([
      { scope: 'person', owner: 'p-ada', rule: 'threshold', state: '{"spo2":{"phase":"firing"}}' },
      { scope: 'person', owner: 'p-ada', rule: 'night.door-exit', state: undefined },
    ])
    db.close()
    db = open()
    const again = createRuleStateRepository(db)
    expect(again.all().sort((a, b) => a.scope.localeCompare(b.scope))).toEqual([
      { scope: 'device', owner: 'p-ada', rule: 'device.offline', state: '{"offlineSinceMs":2}' },
      { scope: 'person', owner: 'p-ada', rule: 'threshold', state: '{"spo2":{"phase":"firing"}}' },
    ])
  })

  it('writes a batch whole or not at all', () => {
    const store = createRuleStateRepository(db)
    expect(() => store.save([{ scope: 'person', owner: 'p-ada', rule: 'threshold', state: '{}' }, { scope: 'nobody' as 'person', owner: 'p-bob', rule: 'threshold', state: '{}' }])).toThrow()
    expect(store.all()).toEqual([])
  })
})
