import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Role } from '../../contract/index.js'
import type { Users } from '../../dashboard/ports.js'
import { openDatabase, type SqliteDatabase } from '../../stores/open-database.js'
import { OPERATIONAL_MIGRATIONS } from '../../stores/operational-schema.js'
import { createOrganisationRepository } from '../../stores/organisation-repository.js'
import { createPersonRepository } from '../../stores/person-repository.js'
import { createUserRepository } from '../../stores/user-repository.js'
import { removeDir, tempDir } from '../../harness/test-platform.js'

interface UserRepositoryFixture {
  users: Users
  /** An organisation users may belong to; returns its id. */
  addOrganisation(name: string): string
  /** A person an account of role `person` may be for; returns its id. */
  addPerson(name: string): string
  teardown(): void
}

const T0 = Date.parse('2026-11-20T08:00:00Z')
const SECOND = 1000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR
const iso = (ms: number): string => new Date(ms).toISOString()

/** One suite, run against every implementation of the users port. */
function userRepositoryContract(name: string, setup: () => UserRepositoryFixture): void {
  describe(`user repository contract: ${name}`, () => {
    let fixture: UserRepositoryFixture
    let users: Users
    let service: string
    let nursing: string

    beforeEach(() => {
      fixture = setup()
      users = fixture.users
      service = fixture.addOrganisation('Riverside Telecare')
      nursing = fixture.addOrganisation('Riverside Community Nursing')
    })
    afterEach(() => fixture.teardown())

    const create = (username: string, roles: Role[] = ['responder'], organisationId = service, nowMs = T0) =>
      users.create({ username, displayName: `${username[0]?.toUpperCase() ?? ''}${username.slice(1)}`, passwordHash: `hash-of-${username}`, roles, organisationId }, nowMs)

    describe('accounts', () => {
      it('creates a user with an id, their organisation by name, enabled, and finds them by id and by username', () => {
        const sue = create('sue', ['responder', 'supervisor'])
        expect(sue).toEqual({
          id: sue.id,
          username: 'sue',
          displayName: 'Sue',
          roles: ['responder', 'supervisor'],
          organisationId: service,
          organisationName: 'Riverside Telecare',
          personId: null,
          disabled: false,
          mustChangePassword: false,
          twoFactorEnabled: false,
          email: null,
          createdAt: iso(T0),
        })
        expect(users.get(sue.id)).toEqual(sue)
        expect(users.byUsername('sue')).toEqual(sue)
      })

      it('keeps the person an account of role person is for', () => {
        const ada = fixture.addPerson('Ada Lovelace')
        const account = users.create({ username: 'ada', displayName: 'Ada', passwordHash: 'h', roles: ['person'], organisationId: service, personId: ada }, T0)
        expect(users.get(account.id)).toMatchObject({ roles: ['person'], personId: ada })
      })

      it('gives every user their own id', () => {
        const ids = ['sue', 'bob', 'tom'].map((u) => create(u).id)
        expect(new Set(ids).size).toBe(3)
      })

      it('refuses a username already taken and keeps the user who has it', () => {
        const sue = create('sue')
        expect(() => create('sue', ['admin'], nursing)).toThrow()
        expect(users.count()).toBe(1)
        expect(users.byUsername('sue')).toEqual(sue)
      })

      it('answers undefined for a user it does not know', () => {
        create('sue')
        expect(users.get('u-nobody')).toBeUndefined()
        expect(users.byUsername('nobody')).toBeUndefined()
        expect(users.credentialsOf('nobody')).toBeUndefined()
      })

      it('counts and lists users by username, all or those of one organisation', () => {
        expect(users.count()).toBe(0)
        create('tom', ['responder'], nursing)
        create('amy')
        create('sue', ['admin'], nursing)
        expect(users.count()).toBe(3)
        expect(users.list().map((u) => u.username)).toEqual(['amy', 'sue', 'tom'])
        expect(users.listOfOrganisation(nursing).map((u) => [u.username, u.organisationName])).toEqual([
          ['sue', 'Riverside Community Nursing'],
          ['tom', 'Riverside Community Nursing'],
        ])
        expect(users.listOfOrganisation('o-nowhere')).toEqual([])
      })

      it('gives the password hash only through credentials', () => {
        const sue = create('sue')
        expect(users.credentialsOf('sue')).toEqual({ user: sue, passwordHash: 'hash-of-sue' })
        expect(JSON.stringify([users.get(sue.id), users.byUsername('sue'), users.list()])).not.toContain('hash-of-sue')
      })

      it('changes a name or roles and leaves the rest as it was', () => {
        const sue = create('sue', ['responder'])
        expect(users.update(sue.id, { displayName: 'Sue Perkins' })).toEqual({ ...sue, displayName: 'Sue Perkins' })
        expect(users.update(sue.id, { roles: ['responder', 'admin'] })).toEqual({ ...sue, displayName: 'Sue Perkins', roles: ['responder', 'admin'] })
        expect(users.update(sue.id, {})).toEqual({ ...sue, displayName: 'Sue Perkins', roles: ['responder', 'admin'] })
        expect(users.get(sue.id)).toMatchObject({ displayName: 'Sue Perkins', roles: ['responder', 'admin'] })
      })

      it('keeps an email given at creation, changes it, and removes it with null', () => {
        const sam = users.create({ username: 'sam', displayName: 'Sam', passwordHash: 'hash-of-sam', roles: ['supervisor'], organisationId: service, email: 'sam@care.example.org' }, T0)
        expect(sam.email).toBe('sam@care.example.org')
        expect(users.update(sam.id, { email: 'sam.night@care.example.org' })?.email).toBe('sam.night@care.example.org')
        expect(users.update(sam.id, { displayName: 'Samuel' })?.email).toBe('sam.night@care.example.org')
        expect(users.update(sam.id, { email: null })?.email).toBeNull()
      })

      it('changes nobody else, and answers undefined for a user it does not know', () => {
        const sue = create('sue')
        const bob = create('bob')
        users.update(sue.id, { displayName: 'Sue Perkins', roles: ['admin'] })
        expect(users.get(bob.id)).toEqual(bob)
        expect(users.update('u-nobody', { displayName: 'Ghost' })).toBeUndefined()
        expect(users.setDisabled('u-nobody', true, T0)).toBeUndefined()
        expect(users.count()).toBe(2)
      })
    })

    describe('sessions', () => {
      it('knows the user of a session until it expires, and not from its expiry on', () => {
        const sue = create('sue')
        const secret = users.openSession(sue.id, T0, 8 * HOUR)
        expect(users.userOfSession(secret, T0)).toEqual(sue)
        expect(users.userOfSession(secret, T0 + 8 * HOUR - 1)).toEqual(sue)
        expect(users.sessionExpiresAt(secret)).toBe(T0 + 8 * HOUR)
        expect(users.userOfSession(secret, T0 + 8 * HOUR)).toBeUndefined()
      })

      it('gives each session its own secret, for its own user, and knows no other secret', () => {
        const sue = create('sue')
        const bob = create('bob')
        const first = users.openSession(sue.id, T0, HOUR)
        const second = users.openSession(sue.id, T0, HOUR)
        const bobs = users.openSession(bob.id, T0, HOUR)
        expect(new Set([first, second, bobs]).size).toBe(3)
        expect([first, second, bobs].map((s) => users.userOfSession(s, T0)?.username)).toEqual(['sue', 'sue', 'bob'])
        expect(users.userOfSession(`${first}x`, T0)).toBeUndefined()
        expect(users.userOfSession('', T0)).toBeUndefined()
        expect(users.sessionExpiresAt('not-a-session')).toBeUndefined()
      })

      it('ends one session on sign-out and leaves the others', () => {
        const sue = create('sue')
        const laptop = users.openSession(sue.id, T0, HOUR)
        const phone = users.openSession(sue.id, T0, HOUR)
        users.closeSession(laptop)
        expect(users.userOfSession(laptop, T0)).toBeUndefined()
        expect(users.sessionExpiresAt(laptop)).toBeUndefined()
        expect(users.userOfSession(phone, T0)?.id).toBe(sue.id)
        users.closeSession('not-a-session')
        expect(users.userOfSession(phone, T0)?.id).toBe(sue.id)
      })

      it('takes a new password the user chose, ending every other session of theirs', () => {
        const sue = create('sue')
        const bob = create('bob')
        const laptop = users.openSession(sue.id, T0, HOUR)
        const phone = users.openSession(sue.id, T0, HOUR)
        const his = users.openSession(bob.id, T0, HOUR)
        users.setPassword(sue.id, 'hash-of-new', false, laptop)
        expect(users.credentialsOf('sue')).toMatchObject({ passwordHash: 'hash-of-new', user: { mustChangePassword: false } })
        expect(users.userOfSession(laptop, T0)?.id).toBe(sue.id)
        expect(users.userOfSession(phone, T0)).toBeUndefined()
        expect(users.userOfSession(his, T0)?.id).toBe(bob.id)
        expect(users.credentialsOf('bob')?.passwordHash).toBe('hash-of-bob')
      })

      it('takes a password someone else chose: every session ends and the user must choose their own', () => {
        const sue = create('sue')
        const laptop = users.openSession(sue.id, T0, HOUR)
        users.setPassword(sue.id, 'hash-of-reset', true)
        expect(users.userOfSession(laptop, T0)).toBeUndefined()
        expect(users.get(sue.id)?.mustChangePassword).toBe(true)
        const next = users.openSession(sue.id, T0, HOUR)
        expect(users.userOfSession(next, T0)?.mustChangePassword).toBe(true)
        users.setPassword(sue.id, 'hash-of-own', false, next)
        expect(users.userOfSession(next, T0)?.mustChangePassword).toBe(false)
      })

      it('shows a changed name and roles through a session already open', () => {
        const sue = create('sue', ['responder'])
        const secret = users.openSession(sue.id, T0, HOUR)
        users.update(sue.id, { displayName: 'Sue Perkins', roles: ['supervisor'] })
        expect(users.userOfSession(secret, T0 + MINUTE)).toMatchObject({ displayName: 'Sue Perkins', roles: ['supervisor'] })
      })
    })

    describe('disabling', () => {
      it("ends a disabled user's sessions at once, and lets them sign in again once enabled", () => {
        const sue = create('sue')
        const bob = create('bob')
        const hers = users.openSession(sue.id, T0, HOUR)
        const his = users.openSession(bob.id, T0, HOUR)
        expect(users.setDisabled(sue.id, true, T0 + MINUTE)).toEqual({ ...sue, disabled: true })
        expect(users.userOfSession(hers, T0 + MINUTE)).toBeUndefined()
        expect(users.userOfSession(users.openSession(sue.id, T0 + 2 * MINUTE, HOUR), T0 + 2 * MINUTE)).toBeUndefined()
        expect(users.userOfSession(his, T0 + MINUTE)?.id).toBe(bob.id)

        expect(users.setDisabled(sue.id, false, T0 + 3 * MINUTE)).toEqual(sue)
        expect(users.userOfSession(hers, T0 + 3 * MINUTE)).toBeUndefined()
        expect(users.userOfSession(users.openSession(sue.id, T0 + 3 * MINUTE, HOUR), T0 + 3 * MINUTE)?.id).toBe(sue.id)
      })

      it('revokes the API tokens a disabled user created, and no one else’s, for good', () => {
        const sue = create('sue', ['admin'])
        const bob = create('bob', ['admin'])
        const hers = users.createApiToken('sue export', ['responder'], 'sue', service, T0, T0 + 90 * DAY)
        const his = users.createApiToken('bob export', ['responder'], 'bob', service, T0, T0 + 90 * DAY)
        users.setDisabled(sue.id, true, T0 + MINUTE)
        expect(users.principalOfToken(hers.token, T0 + 2 * MINUTE)).toBeUndefined()
        expect(users.principalOfToken(his.token, T0 + 2 * MINUTE)?.id).toBe(his.id)
        expect(users.listTokens().find((t) => t.id === hers.id)?.revokedAt).toBe(iso(T0 + MINUTE))
        users.setDisabled(sue.id, false, T0 + 3 * MINUTE)
        expect(users.principalOfToken(hers.token, T0 + 4 * MINUTE)).toBeUndefined()
        expect(users.get(bob.id)?.disabled).toBe(false)
      })
    })

    describe('deleting', () => {
      it("ends a deleted user's sessions and tokens, and leaves them out of every lookup but the records'", () => {
        const sue = create('sue', ['admin'])
        const bob = create('bob')
        const session = users.openSession(sue.id, T0, HOUR)
        const token = users.createApiToken('sue export', ['responder'], 'sue', service, T0, T0 + 90 * DAY)
        expect(users.remove(sue.id, 'admin', T0 + MINUTE)).toBe(true)
        expect(users.userOfSession(session, T0 + MINUTE)).toBeUndefined()
        expect(users.principalOfToken(token.token, T0 + MINUTE)).toBeUndefined()
        expect(users.get(sue.id)).toBeUndefined()
        expect(users.credentialsOf('sue')).toBeUndefined()
        expect(users.list().map((u) => u.id)).toEqual([bob.id])
        expect(users.listOfOrganisation(service).map((u) => u.id)).toEqual([bob.id])
        expect(users.getIncludingDeleted(sue.id)).toMatchObject({ id: sue.id, username: 'sue', displayName: 'Sue', disabled: true })
        expect(users.remove(sue.id, 'admin', T0 + 2 * MINUTE)).toBe(false)
      })

      it('frees the username, and names whoever held it at the time a record was made', () => {
        const first = create('sue', ['responder'], service, T0)
        users.remove(first.id, 'admin', T0 + HOUR)
        const second = create('sue', ['supervisor'], nursing, T0 + 2 * HOUR)
        expect(second.id).not.toBe(first.id)
        expect(users.credentialsOf('sue')?.user.id).toBe(second.id)
        expect(users.holderOf('sue', T0 + MINUTE)?.id).toBe(first.id)
        expect(users.holderOf('sue', T0 + 3 * HOUR)?.id).toBe(second.id)
        expect(users.holderOf('nobody', T0)).toBeUndefined()
      })
    })

    describe('API tokens', () => {
      it('acts with its roles in the organisation it was made for, under its name', () => {
        create('sue', ['admin'])
        const { id, token } = users.createApiToken('nightly export', ['responder'], 'sue', nursing, T0, T0 + 90 * DAY)
        expect(users.principalOfToken(token, T0 + MINUTE)).toMatchObject({
          id,
          username: 'token:nightly export',
          displayName: 'nightly export',
          roles: ['responder'],
          organisationId: nursing,
          personId: null,
          disabled: false,
        })
      })

      it('knows no token by any other secret', () => {
        const { token } = users.createApiToken('export', ['responder'], 'sue', service, T0, T0 + 90 * DAY)
        expect(users.principalOfToken(`${token}x`, T0)).toBeUndefined()
        expect(users.principalOfToken('', T0)).toBeUndefined()
      })

      it('lists tokens oldest first with who made them and when, never their secrets', () => {
        const later = users.createApiToken('later', ['responder'], 'bob', nursing, T0 + HOUR, T0 + HOUR + 90 * DAY)
        const first = users.createApiToken('first', ['supervisor', 'responder'], 'sue', service, T0, T0 + 90 * DAY)
        expect(users.listTokens()).toEqual([
          { id: first.id, name: 'first', roles: ['supervisor', 'responder'], organisationId: service, createdBy: 'sue', createdAt: iso(T0), lastUsedAt: null, revokedAt: null, expiresAt: iso(T0 + 90 * DAY) },
          { id: later.id, name: 'later', roles: ['responder'], organisationId: nursing, createdBy: 'bob', createdAt: iso(T0 + HOUR), lastUsedAt: null, revokedAt: null, expiresAt: iso(T0 + HOUR + 90 * DAY) },
        ])
        expect(JSON.stringify(users.listTokens())).not.toContain(first.token)
        expect(first.id).not.toBe(later.id)
      })

      it('keeps when a token was last used, never more than a minute behind its latest use', () => {
        const { id, token } = users.createApiToken('export', ['responder'], 'sue', service, T0, T0 + 90 * DAY)
        const lastUsed = (): number => Date.parse(users.listTokens().find((t) => t.id === id)?.lastUsedAt ?? 'never')
        for (const at of [T0 + MINUTE, T0 + MINUTE + 30 * SECOND, T0 + 3 * MINUTE, T0 + 3 * MINUTE + 59 * SECOND, T0 + HOUR]) {
          users.principalOfToken(token, at)
          expect(lastUsed()).toBeLessThanOrEqual(at)
          expect(lastUsed()).toBeGreaterThan(at - MINUTE)
        }
      })

      it('refuses a token from the moment it expires', () => {
        const { id, token } = users.createApiToken('export', ['responder'], 'sue', service, T0, T0 + DAY)
        expect(users.principalOfToken(token, T0 + DAY - 1)?.id).toBe(id)
        expect(users.principalOfToken(token, T0 + DAY)).toBeUndefined()
        expect(users.listTokens().find((t) => t.id === id)?.expiresAt).toBe(iso(T0 + DAY))
      })

      it('refuses a revoked token from then on, and revokes only a token in force', () => {
        const { id, token } = users.createApiToken('export', ['responder'], 'sue', service, T0, T0 + 90 * DAY)
        const other = users.createApiToken('other', ['responder'], 'sue', service, T0, T0 + 90 * DAY)
        expect(users.revokeToken(id, T0 + MINUTE)).toBe(true)
        expect(users.principalOfToken(token, T0 + 2 * MINUTE)).toBeUndefined()
        expect(users.principalOfToken(other.token, T0 + 2 * MINUTE)?.id).toBe(other.id)
        expect(users.revokeToken(id, T0 + 5 * MINUTE)).toBe(false)
        expect(users.listTokens().find((t) => t.id === id)?.revokedAt).toBe(iso(T0 + MINUTE))
        expect(users.revokeToken('t-nobody', T0)).toBe(false)
      })
    })
  })
}

userRepositoryContract('sqlite', () => {
  const dir = tempDir('hearth-users-')
  const db: SqliteDatabase = openDatabase(join(dir, 'hearth.db'), OPERATIONAL_MIGRATIONS, { synchronous: 'FULL' })
  const organisations = createOrganisationRepository(db)
  const persons = createPersonRepository(db)
  return {
    users: createUserRepository(db),
    addOrganisation: (name) => organisations.create({ name, kind: 'telecare' }, T0).id,
    addPerson: (name) => persons.create({ name, timeZone: 'Europe/London' }, T0).id,
    teardown() {
      db.close()
      removeDir(dir)
    },
  }
})
