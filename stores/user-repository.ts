import { createHash, randomBytes } from 'node:crypto'
import type { Role } from '../contract/index.js'
import type { TokenView, UserView } from '../dashboard/ports.js'
import type { SqliteDatabase } from './open-database.js'

/** A user as the dashboard's users port shows it (never the password hash). */
export type UserRecord = UserView

interface UserRow {
  id: string
  username: string
  display_name: string
  password_hash: string
  roles: string
  organisation_id: string
  organisation_name: string | null
  person_id: string | null
  disabled_at: number | null
  must_change_password: number
  two_factor_on: number
  email: string | null
  created_at: number
  deleted_username: string | null
}

/** An API token as the dashboard's users port shows it (never its secret). */
export type TokenRecord = TokenView

interface TokenRow {
  id: string
  name: string
  roles: string
  organisation_id: string
  created_by: string
  created_at: number
  last_used_at: number | null
  revoked_at: number | null
  expires_at: number | null
}

function toUser(row: UserRow): UserRecord {
  return {
    id: row.id,
    // A deleted user's records name them by the username they had.
    username: row.deleted_username ?? row.username,
    displayName: row.display_name,
    roles: JSON.parse(row.roles) as Role[],
    organisationId: row.organisation_id,
    organisationName: row.organisation_name ?? row.organisation_id,
    personId: row.person_id,
    disabled: row.disabled_at !== null,
    mustChangePassword: row.must_change_password === 1,
    twoFactorEnabled: row.two_factor_on === 1,
    email: row.email,
    createdAt: new Date(row.created_at).toISOString(),
  }
}

const toToken = (row: TokenRow): TokenRecord => ({
  id: row.id,
  name: row.name,
  roles: JSON.parse(row.roles) as Role[],
  organisationId: row.organisation_id,
  createdBy: row.created_by,
  createdAt: new Date(row.created_at).toISOString(),
  lastUsedAt: row.last_used_at === null ? null : new Date(row.last_used_at).toISOString(),
  revokedAt: row.revoked_at === null ? null : new Date(row.revoked_at).toISOString(),
  expiresAt: row.expires_at === null ? null : new Date(row.expires_at).toISOString(),
})

/** Whether the user's two-factor sign-in is on (a confirmed secret in `two_factor`). */
const TWO_FACTOR_ON = 'EXISTS (SELECT 1 FROM two_factor WHERE two_factor.user_id = users.id AND two_factor.enabled_at IS NOT NULL) AS two_factor_on'
const USERS = `SELECT users.*, organisations.name AS organisation_name, ${TWO_FACTOR_ON} FROM users LEFT JOIN organisations ON organisations.id = users.organisation_id`
/** Deleted users stay as rows (the records name them) but are no one who can sign in, be listed or be managed. */
const LIVE = 'users.deleted_at IS NULL'

/** Last-used times are written at most this often per token, so that a busy integration does not write on every request. */
const TOKEN_TOUCH_MS = 60_000

/** Bearer and session tokens are random; only their SHA-256 is stored. */
function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url')
}

export function createUserRepository(db: SqliteDatabase) {
  const insertUser = db.prepare(
    'INSERT INTO users (id, username, display_name, password_hash, roles, organisation_id, person_id, must_change_password, created_at, email) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  )
  const byUsername = db.prepare<[string], UserRow>(`${USERS} WHERE username = ? AND ${LIVE}`)
  const byId = db.prepare<[string], UserRow>(`${USERS} WHERE users.id = ? AND ${LIVE}`)
  const byIdEver = db.prepare<[string], UserRow>(`${USERS} WHERE users.id = ?`)
  // Who held a username at a moment: the newest made by then (a username is held by one user at a time).
  const holder = db.prepare<[string, string, number], UserRow>(
    `${USERS} WHERE (username = ? AND ${LIVE}) OR deleted_username = ? ORDER BY users.created_at <= ? DESC, users.created_at DESC LIMIT 1`,
  )
  const all = db.prepare<[], UserRow>(`${USERS} WHERE ${LIVE} ORDER BY username`)
  const ofOrganisation = db.prepare<[string], UserRow>(`${USERS} WHERE users.organisation_id = ? AND ${LIVE} ORDER BY username`)
  const count = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM users')
  const updateUser = db.prepare('UPDATE users SET display_name = COALESCE(?, display_name), roles = COALESCE(?, roles) WHERE id = ?')
  const setEmail = db.prepare('UPDATE users SET email = ? WHERE id = ?')
  const setDisabled = db.prepare('UPDATE users SET disabled_at = ? WHERE id = ?')
  const deleteSessionsOf = db.prepare('DELETE FROM sessions WHERE user_id = ?')
  const revokeTokensOf = db.prepare('UPDATE api_tokens SET revoked_at = ? WHERE created_by = ? AND revoked_at IS NULL')
  const insertSession = db.prepare('INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)')
  const session = db.prepare<[string, number], UserRow>(
    `SELECT users.*, organisations.name AS organisation_name, ${TWO_FACTOR_ON} FROM sessions JOIN users ON users.id = sessions.user_id
       LEFT JOIN organisations ON organisations.id = users.organisation_id
     WHERE token_hash = ? AND expires_at > ? AND users.disabled_at IS NULL AND ${LIVE}`,
  )
  const deleteSession = db.prepare('DELETE FROM sessions WHERE token_hash = ?')
  const expiry = db.prepare<[string], { expires_at: number }>('SELECT expires_at FROM sessions WHERE token_hash = ?')
  const purgeSessions = db.prepare('DELETE FROM sessions WHERE expires_at <= ?')
  const insertToken = db.prepare(
    'INSERT INTO api_tokens (token_hash, id, name, roles, created_by, organisation_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  )
  const token = db.prepare<[string, number], TokenRow>('SELECT * FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)')
  const setPassword = db.prepare('UPDATE users SET password_hash = ?, must_change_password = ? WHERE id = ?')
  const deleteOtherSessions = db.prepare('DELETE FROM sessions WHERE user_id = ? AND token_hash != ?')
  const tokens = db.prepare<[], TokenRow>('SELECT * FROM api_tokens ORDER BY created_at')
  const revokeToken = db.prepare('UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL')
  const touchToken = db.prepare('UPDATE api_tokens SET last_used_at = ? WHERE id = ?')
  // The username takes a form no new user can choose (`~` is not allowed in one), which frees it; no password is kept.
  const markDeleted = db.prepare(
    `UPDATE users SET deleted_at = @now, deleted_by = @by, deleted_username = username, username = username || '~deleted~' || id,
       disabled_at = COALESCE(disabled_at, @now), password_hash = '', must_change_password = 0 WHERE id = @id AND ${LIVE}`,
  )

  return {
    count: (): number => count.get()?.n ?? 0,
    create(
      user: { username: string; displayName: string; passwordHash: string; roles: Role[]; organisationId: string; personId?: string | undefined; mustChangePassword?: boolean; email?: string | undefined },
      nowMs: number,
    ): UserRecord {
      const id = `u-${randomBytes(6).toString('hex')}`
      insertUser.run(id, user.username, user.displayName, user.passwordHash, JSON.stringify(user.roles), user.organisationId, user.personId ?? null, user.mustChangePassword === true ? 1 : 0, nowMs, user.email ?? null)
      return toUser(byId.get(id) as UserRow)
    },
    get(id: string): UserRecord | undefined {
      const row = byId.get(id)
      return row ? toUser(row) : undefined
    },
    byUsername(username: string): UserRecord | undefined {
      const row = byUsername.get(username)
      return row ? toUser(row) : undefined
    },
    listOfOrganisation: (organisationId: string): UserRecord[] => ofOrganisation.all(organisationId).map(toUser),
    /**
     * Disabling ends the user's access at once: their sessions are deleted and the API tokens they
     * created revoked (the caller closes their live connections). Enabling lets them sign in again.
     */
    setDisabled(id: string, disabled: boolean, nowMs: number): UserRecord | undefined {
      const row = byId.get(id)
      if (!row) return undefined
      db.transaction(() => {
        setDisabled.run(disabled ? (row.disabled_at ?? nowMs) : null, id)
        if (disabled) {
          deleteSessionsOf.run(id)
          revokeTokensOf.run(nowMs, row.username)
        }
      })()
      return toUser(byId.get(id) as UserRow)
    },
    /**
     * Deletes a user for sign-in purposes: as disabling, their sessions end and the API tokens they
     * made are revoked (the caller closes their live connections); then the account leaves every
     * list and lookup, and its username is free. The row stays, so the audit log and the records
     * that name them still say who they were. False when there is no such user (or no longer).
     */
    remove(id: string, by: string, nowMs: number): boolean {
      const row = byId.get(id)
      if (!row) return false
      db.transaction(() => {
        deleteSessionsOf.run(id)
        revokeTokensOf.run(nowMs, row.username)
        markDeleted.run({ now: nowMs, by, id })
      })()
      return true
    },
    /** A user by id, deleted or not, named as they were: for the records that name them (access logs). */
    getIncludingDeleted(id: string): UserRecord | undefined {
      const row = byIdEver.get(id)
      return row ? toUser(row) : undefined
    },
    /** The user who held `username` at `atMs`, deleted since or not: who did what a record says that username did. */
    holderOf(username: string, atMs: number): UserRecord | undefined {
      const row = holder.get(username, username, atMs)
      return row ? toUser(row) : undefined
    },
    credentialsOf(username: string): { user: UserRecord; passwordHash: string } | undefined {
      const row = byUsername.get(username)
      return row ? { user: toUser(row), passwordHash: row.password_hash } : undefined
    },
    list: (): UserRecord[] => all.all().map(toUser),
    /** Changes a user's name, roles or email (`null` removes it); undefined for an unknown id. Sessions keep working with the new roles. */
    update(id: string, change: { displayName?: string | undefined; roles?: Role[] | undefined; email?: string | null | undefined }): UserRecord | undefined {
      updateUser.run(change.displayName ?? null, change.roles ? JSON.stringify(change.roles) : null, id)
      if (change.email !== undefined) setEmail.run(change.email, id)
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
    createApiToken(name: string, roles: Role[], createdBy: string, organisationId: string, nowMs: number, expiresAtMs: number): { id: string; token: string } {
      const id = `t-${randomBytes(6).toString('hex')}`
      const secret = `hearth_${randomBytes(32).toString('base64url')}`
      insertToken.run(hashToken(secret), id, name, JSON.stringify(roles), createdBy, organisationId, nowMs, expiresAtMs)
      return { id, token: secret }
    },
    /** An integration acting with a token: its roles, within the organisation it was made for. Revoked and expired tokens are no one. */
    principalOfToken(secret: string, nowMs: number = Date.now()): UserRecord | undefined {
      const row = token.get(hashToken(secret), nowMs)
      if (!row) return undefined
      if (row.last_used_at === null || nowMs - row.last_used_at >= TOKEN_TOUCH_MS) touchToken.run(nowMs, row.id)
      return {
        id: row.id,
        username: `token:${row.name}`,
        displayName: row.name,
        roles: JSON.parse(row.roles) as Role[],
        organisationId: row.organisation_id,
        organisationName: row.organisation_id,
        personId: null,
        disabled: false,
        mustChangePassword: false,
        twoFactorEnabled: false,
        email: null,
        createdAt: new Date(row.created_at).toISOString(),
      }
    },
    /**
     * A new password. `mustChange`: someone else chose it (an admin's reset), so the user chooses
     * their own at the next sign-in. Every session of the user ends but `keepSession` (the one that
     * changed it, when the user did it themselves).
     */
    setPassword(id: string, passwordHash: string, mustChange: boolean, keepSession?: string): void {
      db.transaction(() => {
        setPassword.run(passwordHash, mustChange ? 1 : 0, id)
        if (keepSession === undefined) deleteSessionsOf.run(id)
        else deleteOtherSessions.run(id, hashToken(keepSession))
      })()
    },
    /** Ends every session of the user but `keepSession`, the one that changed how they sign in. */
    endOtherSessions(id: string, keepSession: string): void {
      deleteOtherSessions.run(id, hashToken(keepSession))
    },
    listTokens: (): TokenRecord[] => tokens.all().map(toToken),
    /** Revokes a token: refused from the next request on. False when there is no such token in force. */
    revokeToken: (id: string, nowMs: number): boolean => revokeToken.run(nowMs, id).changes > 0,
  }
}
