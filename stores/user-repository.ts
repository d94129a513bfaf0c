import { createHash, randomBytes } from 'node:crypto'
import type { Role } from '../contract/index.js'
import type { SqliteDatabase } from './open-database.js'

export interface UserRecord {
  id: string
  username: string
  displayName: string
  roles: Role[]
  createdAt: string
}

interface UserRow {
  id: string
  username: string
  display_name: string
  password_hash: string
  roles: string
  created_at: number
}

function toUser(row: UserRow): UserRecord {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    roles: JSON.parse(row.roles) as Role[],
    createdAt: new Date(row.created_at).toISOString(),
  }
}

/** Bearer and session tokens are random; only their SHA-256 is stored. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url')
}

export function createUserRepository(db: SqliteDatabase) {
  const insertUser = db.prepare(
    'INSERT INTO users (id, username, display_name, password_hash, roles, created_at) VALUES (?, ?, ?, ?, ?, ?)',
  )
  const byUsername = db.prepare<[string], UserRow>('SELECT * FROM users WHERE username = ?')
  const byId = db.prepare<[string], UserRow>('SELECT * FROM users WHERE id = ?')
  const all = db.prepare<[], UserRow>('SELECT * FROM users ORDER BY username')
  const count = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM users')
  const updateUser = db.prepare('UPDATE users SET display_name = COALESCE(?, display_name), roles = COALESCE(?, roles) WHERE id = ?')
  const insertSession = db.prepare('INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)')
  const session = db.prepare<[string, number], UserRow>(
    'SELECT users.* FROM sessions JOIN users ON users.id = sessions.user_id WHERE token_hash = ? AND expires_at > ?',
  )
  const deleteSession = db.prepare('DELETE FROM sessions WHERE token_hash = ?')
  const expiry = db.prepare<[string], { expires_at: number }>('SELECT expires_at FROM sessions WHERE token_hash = ?')
  const purgeSessions = db.prepare('DELETE FROM sessions WHERE expires_at <= ?')
  const insertToken = db.prepare(
    'INSERT INTO api_tokens (token_hash, id, name, roles, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)',
  )
  const token = db.prepare<[string], { id: string; name: string; roles: string; created_at: number }>(
    'SELECT id, name, roles, created_at FROM api_tokens WHERE token_hash = ?',
  )

  return {
    count: (): number => count.get()?.n ?? 0,
    create(user: { username: string; displayName: string; passwordHash: string; roles: Role[] }, nowMs: number): UserRecord {
      const id = `u-${randomBytes(6).toString('hex')}`
      insertUser.run(id, user.username, user.displayName, user.passwordHash, JSON.stringify(user.roles), nowMs)
      return toUser(byId.get(id) as UserRow)
    },
    credentialsOf(username: string): { user: UserRecord; passwordHash: string } | undefined {
      const row = byUsername.get(username)
      return row ? { user: toUser(row), passwordHash: row.password_hash } : undefined
    },
    list: (): UserRecord[] => all.all().map(toUser),
    /** Changes a user's name or roles; undefined for an unknown id. Sessions keep working with the new roles. */
    update(id: string, change: { displayName?: string | undefined; roles?: Role[] | undefined }): UserRecord | undefined {
      updateUser.run(change.displayName ?? null, change.roles ? JSON.stringify(change.roles) : null, id)
      const row = byId.get(id)
      return row ? toUser(row) : undefined
    },
    openSession(userId: string, nowMs: number, ttlMs: number): string {
      const secret = randomBytes(32).toString('base64url')
      purgeSessions.run(nowMs)
      insertSession.run(hashToken(secret), userId, nowMs, nowMs + ttlMs)
      return secret
    },
    userOfSession(secret: string, nowMs: number): UserRecord | undefined {
      const row = session.get(hashToken(secret), nowMs)
      return row ? toUser(row) : undefined
    },
    sessionExpiresAt(secret: string): number | undefined {
      return expiry.get(hashToken(secret))?.expires_at
    },
    closeSession(secret: string): void {
      deleteSession.run(hashToken(secret))
    },
    createApiToken(name: string, roles: Role[], createdBy: string, nowMs: number): { id: string; token: string } {
      const id = `t-${randomBytes(6).toString('hex')}`
      const secret = `hearth_${randomBytes(32).toString('base64url')}`
      insertToken.run(hashToken(secret), id, name, JSON.stringify(roles), createdBy, nowMs)
      return { id, token: secret }
    },
    principalOfToken(secret: string): UserRecord | undefined {
      const row = token.get(hashToken(secret))
      if (!row) return undefined
      return { id: row.id, username: `token:${row.name}`, displayName: row.name, roles: JSON.parse(row.roles) as Role[], createdAt: new Date(row.created_at).toISOString() }
    },
  }
}
export type UserRepository = ReturnType<typeof createUserRepository>
