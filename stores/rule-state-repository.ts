import type { RuleStateChange, RuleStateStore, SavedRuleState } from '../alerting/ports.js'
import type { SqliteDatabase } from './open-database.js'

interface Row {
  scope: 'person' | 'device'
  owner: string
  rule: string
  state: string
}

/**
 * The rules' saved state (alerting `RuleStateStore`): one JSON text per rule and person or device,
 * replaced whole on each change and deleted when the rule has nothing left worth keeping.
 */
export function createRuleStateRepository(db: SqliteDatabase): RuleStateStore {
  const all = db.prepare<[], Row>('SELECT scope, owner, rule, state FROM rule_states')
  const upsert = db.prepare('INSERT INTO rule_states (scope, owner, rule, state) VALUES (?, ?, ?, ?) ON CONFLICT (scope, owner, rule) DO UPDATE SET state = excluded.state')
  const remove = db.prepare('DELETE FROM rule_states WHERE scope = ? AND owner = ? AND rule = ?')
  const saveAll = db.transaction((changes: readonly RuleStateChange[]) => {
    for (const c of changes) {
      if (c.state === undefined) remove.run(c.scope, c.owner, c.rule)
      else upsert.run(c.scope, c.owner, c.rule, c.state)
    }
  })
  return {
    all: (): SavedRuleState[] => all.all().map((r) => ({ scope: r.scope, owner: r.owner, rule: r.rule, state: r.state })),
    save(changes) {
      saveAll(changes)
    },
  }
}
