import { join } from 'node:path'
import { issueDeviceSecret } from '../broker/device-secret.js'
import { SCOPES, type DeviceType } from '../contract/index.js'
import { createCircleRepository } from '../stores/circle-repository.js'
import { createDeviceRepository } from '../stores/device-repository.js'
import { openDatabase } from '../stores/open-database.js'
import { OPERATIONAL_MIGRATIONS } from '../stores/operational-schema.js'
import { DEFAULT_ORGANISATION_ID } from '../stores/organisation-repository.js'
import { createPersonRepository } from '../stores/person-repository.js'

export interface Credentials {
  id: string
  secret: string
}

/**
 * Provisions people (monitored by the platform admin's organisation, as POST /api/persons makes
 * them) and devices straight into a data dir through the platform's own repositories (what
 * POST /api/persons and POST /api/devices do, minus HTTP), before the
 * platform starts on it: 10,000 devices one request at a time would time the API, not the load.
 */
export function provisionFleet(dataDir: string, groups: ReadonlyArray<{ prefix: string; type: DeviceType; count: number }>): Map<string, Credentials[]> {
  const db = openDatabase(join(dataDir, 'hearth.db'), OPERATIONAL_MIGRATIONS, { synchronous: 'NORMAL' })
  try {
    const people = createPersonRepository(db)
    const devices = createDeviceRepository(db)
    const circles = createCircleRepository(db)
    const now = Date.now()
    return db.transaction(() => {
      const made = new Map<string, Credentials[]>()
      for (const group of groups) {
        const list: Credentials[] = []
        for (let i = 0; i < group.count; i++) {
          const id = `${group.prefix}-${String(i).padStart(5, '0')}`
          const person = people.create({ name: `Bench ${id}`, timeZone: 'Europe/London' }, now)
          circles.add({ personId: person.id, organisationId: DEFAULT_ORGANISATION_ID, relationship: 'monitoring telecare service', scopes: SCOPES, basis: 'direct-care', fromMs: now }, 'bench', now)
          const { secret, secretHash } = issueDeviceSecret()
          devices.provision({ id, type: group.type, personId: person.id, secretHash }, now)
          list.push({ id, secret })
        }
        made.set(group.prefix, list)
      }
      return made
    })()
  } finally {
    db.close()
  }
}
